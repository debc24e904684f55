package dev.nabla.runtime.backend;

import dev.nabla.runtime.Backends;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.TestDevices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused optimiser kernels against plain float64 loops written from torch.optim 1.13's single-tensor
 * formulas: every optimiser with its options on and off, several steps with a fresh gradient each, parameter
 * and every state buffer compared after every step; then bad input.
 */
class OptimKernelsContractTest {
    static final int STEPS = 5;
    static final int N = 37;

    /** One step of a kernel: state buffers in the order of the case, absent ones null. */
    interface KernelStep { void run(OptimKernels k, Buffer p, Buffer g, Buffer[] s, int step); }

    /** The same step in float64 over plain arrays. */
    interface RefStep { void run(double[] p, double[] g, double[][] s, int step); }

    record Case(String name, int states, double init, KernelStep kernel, RefStep ref) {
        @Override public String toString() { return name; }
    }

    // ---------------------------------------------------------------- references (torch.optim formulas)

    static void sgdRef(double[] p, double[] g, double[] buf, double lr, double mom, double damp, double wd, boolean nesterov, boolean first) {
        for (int i = 0; i < p.length; i++) {
            double d = g[i] + wd * p[i];
            if (mom != 0) {
                buf[i] = first ? d : mom * buf[i] + (1 - damp) * d;
                d = nesterov ? d + mom * buf[i] : buf[i];
            }
            p[i] -= lr * d;
        }
    }

    static void adamRef(double[] p, double[] g, double[] m, double[] v, double[] vMax, double lr, double b1, double b2, double eps,
                        double wd, boolean decoupled, int step) {
        double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
        for (int i = 0; i < p.length; i++) {
            double gi = g[i];
            if (decoupled) p[i] *= 1 - lr * wd; else gi += wd * p[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            double second = v[i];
            if (vMax != null) second = vMax[i] = Math.max(vMax[i], v[i]);
            p[i] -= lr / bc1 * m[i] / (Math.sqrt(second) / Math.sqrt(bc2) + eps);
        }
    }

    static void adagradRef(double[] p, double[] g, double[] sum, double clr, double wd, double eps) {
        for (int i = 0; i < p.length; i++) {
            double gi = g[i] + wd * p[i];
            sum[i] += gi * gi;
            p[i] -= clr * gi / (Math.sqrt(sum[i]) + eps);
        }
    }

    static void rmspropRef(double[] p, double[] g, double[] sq, double[] buf, double[] ga, double lr, double alpha, double eps,
                           double wd, double mom) {
        for (int i = 0; i < p.length; i++) {
            double gi = g[i] + wd * p[i];
            sq[i] = alpha * sq[i] + (1 - alpha) * gi * gi;
            double avg;
            if (ga != null) {
                ga[i] = alpha * ga[i] + (1 - alpha) * gi;
                avg = Math.sqrt(sq[i] - ga[i] * ga[i]) + eps;
            } else {
                avg = Math.sqrt(sq[i]) + eps;
            }
            if (mom > 0) {
                buf[i] = mom * buf[i] + gi / avg;
                p[i] -= lr * buf[i];
            } else {
                p[i] -= lr * gi / avg;
            }
        }
    }

    // ---------------------------------------------------------------- cases

    static Case sgd(String name, double lr, double mom, double damp, double wd, boolean nesterov) {
        return new Case(name, 1, 0,
                (k, p, g, s, t) -> k.sgd(p, g, mom != 0 ? s[0] : null, lr, mom, damp, wd, nesterov, t == 1),
                (p, g, s, t) -> sgdRef(p, g, s[0], lr, mom, damp, wd, nesterov, t == 1));
    }

    static Case adam(String name, double lr, double b1, double b2, double eps, double wd, boolean decoupled, boolean amsgrad) {
        return new Case(name, 3, 0,
                (k, p, g, s, t) -> k.adam(p, g, s[0], s[1], amsgrad ? s[2] : null, lr, b1, b2, eps, wd, decoupled,
                        1 - Math.pow(b1, t), 1 - Math.pow(b2, t)),
                (p, g, s, t) -> adamRef(p, g, s[0], s[1], amsgrad ? s[2] : null, lr, b1, b2, eps, wd, decoupled, t));
    }

    static Case adagrad(String name, double lr, double lrDecay, double wd, double init, double eps) {
        return new Case(name, 1, init,
                (k, p, g, s, t) -> k.adagrad(p, g, s[0], lr / (1 + (t - 1) * lrDecay), wd, eps),
                (p, g, s, t) -> adagradRef(p, g, s[0], lr / (1 + (t - 1) * lrDecay), wd, eps));
    }

    static Case rmsprop(String name, double lr, double alpha, double eps, double wd, double mom, boolean centered) {
        return new Case(name, 3, 0,
                (k, p, g, s, t) -> k.rmsprop(p, g, s[0], mom > 0 ? s[1] : null, centered ? s[2] : null, lr, alpha, eps, wd, mom, centered),
                (p, g, s, t) -> rmspropRef(p, g, s[0], s[1], centered ? s[2] : null, lr, alpha, eps, wd, mom));
    }

    static List<Case> cases() {
        return List.of(
                sgd("sgd", 0.1, 0, 0, 0, false),
                sgd("sgd_weight_decay", 0.1, 0, 0, 0.05, false),
                sgd("sgd_momentum", 0.1, 0.9, 0, 0, false),
                sgd("sgd_momentum_dampening_decay", 0.05, 0.8, 0.3, 0.01, false),
                sgd("sgd_nesterov", 0.1, 0.9, 0, 0.01, true),
                adam("adam", 0.01, 0.9, 0.999, 1e-8, 0, false, false),
                adam("adam_l2", 0.02, 0.8, 0.95, 1e-6, 0.1, false, false),
                adam("adam_amsgrad", 0.01, 0.9, 0.9, 1e-8, 0.01, false, true),
                adam("adamw", 0.01, 0.9, 0.999, 1e-8, 0.1, true, false),
                adam("adamw_amsgrad", 0.03, 0.85, 0.95, 1e-8, 0.05, true, true),
                adagrad("adagrad", 0.1, 0, 0, 0, 1e-10),
                adagrad("adagrad_decay_init", 0.1, 0.01, 0.02, 0.1, 1e-10),
                rmsprop("rmsprop", 0.01, 0.99, 1e-8, 0, 0, false),
                rmsprop("rmsprop_weight_decay", 0.01, 0.9, 1e-8, 0.05, 0, false),
                rmsprop("rmsprop_momentum", 0.01, 0.9, 1e-8, 0, 0.5, false),
                rmsprop("rmsprop_centered", 0.01, 0.9, 1e-8, 0.01, 0, true),
                rmsprop("rmsprop_centered_momentum", 0.005, 0.8, 1e-6, 0.01, 0.9, true));
    }

    static Stream<Arguments> devicesDTypesCases() {
        List<Arguments> out = new ArrayList<>();
        TestDevices.all().forEach(d -> {
            for (DType dt : List.of(DType.FLOAT64, DType.FLOAT32)) for (Case c : cases()) out.add(Arguments.of(d, dt, c));
        });
        return out.stream();
    }

    // ---------------------------------------------------------------- forward contract

    static double[] random(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextDouble() * 2 - 1;
        return a;
    }

    static double[] values(Backend be, Buffer b) {
        Object a = be.toArray(b);
        if (a instanceof double[] d) return d;
        float[] f = (float[]) a;
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Inputs rounded to the dtype, so that the float64 reference starts where the kernel does. */
    static double[] rounded(double[] a, DType dt) {
        double[] r = a.clone();
        if (dt == DType.FLOAT32) for (int i = 0; i < r.length; i++) r[i] = (float) r[i];
        return r;
    }

    static void runCase(Device device, DType dt, Case c, int n) {
        Backend be = Backends.forDevice(device);
        Random rnd = new Random(42 + c.name().hashCode());
        double[] p = rounded(random(rnd, n), dt);
        double[][] s = new double[c.states()][n];
        for (double[] a : s) java.util.Arrays.fill(a, c.init());
        Buffer pb = be.fromArray(p, dt);
        Buffer[] sb = new Buffer[c.states()];
        for (int k = 0; k < sb.length; k++) sb[k] = be.fromArray(s[k], dt);
        double atol = dt == DType.FLOAT64 ? 1e-12 : 1e-5, rtol = dt == DType.FLOAT64 ? 1e-12 : 1e-4;
        try {
            for (int t = 1; t <= STEPS; t++) {
                double[] g = rounded(random(rnd, n), dt);
                Buffer gb = be.fromArray(g, dt);
                try {
                    c.kernel().run(be.optim(), pb, gb, sb, t);
                    assertArrayEquals(g, values(be, gb), 0, c + ": the gradient is read only");
                } finally {
                    be.release(gb);
                }
                c.ref().run(p, g, s, t);
                assertClose(p, values(be, pb), atol, rtol, c + " " + dt + " step " + t + " param");
                for (int k = 0; k < sb.length; k++) assertClose(s[k], values(be, sb[k]), atol, rtol, c + " " + dt + " step " + t + " state " + k);
            }
        } finally {
            be.release(pb);
            for (Buffer b : sb) be.release(b);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}") @MethodSource("devicesDTypesCases")
    void updateMatchesTheFloat64ReferenceForEveryStep(Device device, DType dt, Case c) { runCase(device, dt, c, N); }

    static Stream<Arguments> largeCases() {
        List<Case> all = cases();
        return TestDevices.all().flatMap(d -> Stream.of(all.get(4), all.get(9), all.get(11), all.get(16)).map(c -> Arguments.of(d, c)));
    }

    /** Large enough to be split across the CPU worker threads and across many GPU blocks. */
    @ParameterizedTest(name = "{0} {1}") @MethodSource("largeCases")
    void largeParametersMatchTheReference(Device device, Case c) { runCase(device, DType.FLOAT64, c, 200_003); }

    @Test void emptyParametersAreANoOp() {
        for (Device d : TestDevices.all().toList()) {
            Backend be = Backends.forDevice(d);
            Buffer p = be.allocate(DType.FLOAT32, 0), g = be.allocate(DType.FLOAT32, 0), m = be.allocate(DType.FLOAT32, 0);
            be.optim().adam(p, g, m, m, null, 0.1, 0.9, 0.999, 1e-8, 0, false, 0.1, 0.001);
            be.optim().sgd(p, g, null, 0.1, 0, 0, 0, false, false);
            assertEquals(0, p.size());
            be.release(p);
            be.release(g);
            be.release(m);
        }
    }

    // ---------------------------------------------------------------- bad input

    private static final Backend CPU = Backends.forDevice(Device.CPU);

    /** Runs {@code call} expecting {@code type} with a message naming every fragment, and checks nothing was written. */
    private static <T extends NablaException> void rejects(Class<T> type, Buffer param, Executable call, String... fragments) {
        double[] before = values(CPU, param);
        T e = assertThrows(type, call);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should name '" + f + "'");
        assertArrayEquals(before, values(CPU, param), 0, "nothing may be written before the checks pass");
    }

    private static Buffer f64(int n) { return CPU.full(DType.FLOAT64, n, 0.5); }

    @Test void gradientOfAnotherSizeIsRejectedNamingTheOpAndSizes() {
        Buffer p = f64(4), g = f64(5), m = f64(4), v = f64(4);
        rejects(ShapeMismatchException.class, p, () -> CPU.optim().adam(p, g, m, v, null, 0.1, 0.9, 0.99, 1e-8, 0, false, 0.1, 0.01),
                "adam", "grad", "5", "4");
    }

    @Test void stateBufferOfAnotherSizeIsRejectedNamingTheBuffer() {
        Buffer p = f64(4), g = f64(4), sq = f64(4), ga = f64(3);
        rejects(ShapeMismatchException.class, p, () -> CPU.optim().rmsprop(p, g, sq, null, ga, 0.1, 0.9, 1e-8, 0, 0, true),
                "rmsprop", "grad_avg", "3", "4");
    }

    @Test void stateBufferOfAnotherDTypeIsRejectedNamingBothDTypes() {
        Buffer p = f64(4), g = f64(4), sum = CPU.full(DType.FLOAT32, 4, 0);
        rejects(DTypeMismatchException.class, p, () -> CPU.optim().adagrad(p, g, sum, 0.1, 0, 1e-10),
                "adagrad", "sum", "FLOAT32", "FLOAT64");
    }

    @Test void gradientOfAnotherDTypeIsRejected() {
        Buffer p = f64(4), g = CPU.full(DType.FLOAT32, 4, 1), b = f64(4);
        rejects(DTypeMismatchException.class, p, () -> CPU.optim().sgd(p, g, b, 0.1, 0.9, 0, 0, false, false), "sgd", "grad", "FLOAT32");
    }

    @Test void integerParametersAreRejected() {
        Buffer p = CPU.full(DType.INT32, 4, 1), g = CPU.full(DType.INT32, 4, 1);
        DTypeMismatchException e = assertThrows(DTypeMismatchException.class, () -> CPU.optim().sgd(p, g, null, 0.1, 0, 0, 0, false, false));
        assertTrue(e.getMessage().contains("sgd") && e.getMessage().contains("INT32"), e.getMessage());
    }

    @Test void momentumWithoutABufferIsRejected() {
        Buffer p = f64(4), g = f64(4);
        rejects(InvalidArgumentException.class, p, () -> CPU.optim().sgd(p, g, null, 0.1, 0.9, 0, 0, false, true),
                "sgd", "momentum_buffer", "0.9");
    }

    @Test void centeredRmspropWithoutAGradAverageIsRejected() {
        Buffer p = f64(4), g = f64(4), sq = f64(4);
        rejects(InvalidArgumentException.class, p, () -> CPU.optim().rmsprop(p, g, sq, null, null, 0.1, 0.9, 1e-8, 0, 0, true),
                "rmsprop", "grad_avg", "centered");
    }

    @Test void amsgradMaximumOfAnotherSizeIsRejected() {
        Buffer p = f64(4), g = f64(4), m = f64(4), v = f64(4), vMax = f64(2);
        rejects(ShapeMismatchException.class, p, () -> CPU.optim().adam(p, g, m, v, vMax, 0.1, 0.9, 0.99, 1e-8, 0.1, true, 0.1, 0.01),
                "adamw", "max_exp_avg_sq", "2", "4");
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.UnaryOp;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The float32 unary paths, {@link CpuUnaryF} and its Vector API twin {@link CpuUnaryVector} (when this JVM has
 * the module: the build's surefire argLine adds it), against the double staging path ({@link CpuUnary} on
 * widened inputs, rounded to float): a dense sweep of [-15, 15], random bit patterns (every magnitude, NaNs,
 * subnormals), and the special values. Exact ops must give the same bits; the rewritten activations must be
 * within 2 ulp or 1e-7 absolute of it, with NaN and infinities where it has them. Ranges start and end off
 * vector boundaries, and nothing outside them may be written.
 */
class CpuUnaryFloatTest {
    /** One float32 implementation. */
    interface Impl {
        boolean handles(UnaryOp op);

        void forward(UnaryOp op, float[] x, float[] y, int from, int to, double a, double b);

        void backward(UnaryOp op, float[] x, float[] dy, float[] dx, int from, int to, double a, double b);
    }

    private static final Impl SCALAR = new Impl() {
        @Override public boolean handles(UnaryOp op) { return CpuUnaryF.handles(op); }

        @Override public void forward(UnaryOp op, float[] x, float[] y, int from, int to, double a, double b) {
            CpuUnaryF.forward(op, x, y, from, to, a, b);
        }

        @Override public void backward(UnaryOp op, float[] x, float[] dy, float[] dx, int from, int to, double a, double b) {
            CpuUnaryF.backward(op, x, dy, dx, from, to, a, b);
        }
    };

    private static final Impl VECTOR = new Impl() {
        @Override public boolean handles(UnaryOp op) { return CpuUnaryVector.handles(op); }

        @Override public void forward(UnaryOp op, float[] x, float[] y, int from, int to, double a, double b) {
            CpuUnaryVector.forward(op, x, y, from, to, a, b);
        }

        @Override public void backward(UnaryOp op, float[] x, float[] dy, float[] dx, int from, int to, double a, double b) {
            CpuUnaryVector.backward(op, x, dy, dx, from, to, a, b);
        }
    };

    /** Ops whose float path must reproduce the staging path bit for bit. */
    private static final List<UnaryOp> EXACT = List.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.SQUARE, UnaryOp.SQRT,
            UnaryOp.RSQRT, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.RELU, UnaryOp.LEAKY_RELU, UnaryOp.CLAMP);

    /** op with its scalar parameters. */
    record Case(UnaryOp op, double a, double b) {
        @Override public String toString() {
            return op.name().toLowerCase() + (op == UnaryOp.LEAKY_RELU || op == UnaryOp.CLAMP ? "(" + a + ", " + b + ")" : "");
        }
    }

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            if (!CpuUnaryF.handles(op) || op == UnaryOp.LEAKY_RELU || op == UnaryOp.CLAMP) continue;
            l.add(new Case(op, 0, 0));
        }
        l.add(new Case(UnaryOp.LEAKY_RELU, 0.01, 0));
        l.add(new Case(UnaryOp.LEAKY_RELU, 0.3, 0));
        l.add(new Case(UnaryOp.CLAMP, -0.5, 1.5));
        l.add(new Case(UnaryOp.CLAMP, 0.1, Double.NaN));
        l.add(new Case(UnaryOp.CLAMP, Double.NaN, -0.3));
        l.add(new Case(UnaryOp.CLAMP, 0.0, 0.0));
        l.add(new Case(UnaryOp.CLAMP, 2.0, 1.0)); // min above max: max wins, as in the staging path
        l.add(new Case(UnaryOp.CLAMP, 1e300, Double.NaN));
        l.add(new Case(UnaryOp.CLAMP, Double.NaN, Double.NaN));
        return l;
    }

    static Stream<Arguments> implCases() {
        List<Named<Impl>> impls = new ArrayList<>();
        impls.add(Named.of("scalar", SCALAR));
        if (CpuGemm.VECTOR) impls.add(Named.of("vector", VECTOR));
        return impls.stream().flatMap(impl -> cases().stream()
                .filter(c -> impl.getPayload().handles(c.op()))
                .map(c -> Arguments.of(impl, c)));
    }

    /** Sweep, random bit patterns, special values; an odd length. */
    static float[] inputs() {
        List<Float> v = new ArrayList<>();
        for (double x = -15; x <= 15; x += 1.7e-3) v.add((float) x);
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) v.add(Float.intBitsToFloat(r.nextInt()));
        for (int i = 0; i < 2_000; i++) v.add((float) (r.nextGaussian() * 1e-6));
        float[] special = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xFFC00001), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
                -Float.MAX_VALUE, 1e-30f, -1e-30f, 0x1p-12f, -0x1p-12f, 0x1.fffffep-13f, 5.5f, -5.5f, 10f, -10f,
                88.7f, -88.7f, 89f, 90.5f, -103.9f, -104.5f, 1e13f, -1e13f, 1e20f, -1e20f, 0.1f, 1.5f, -0.5f, 2f, 1f};
        for (float f : special) v.add(f);
        if (v.size() % 2 == 0) v.add(3f);
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = v.get(i);
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("implCases")
    void forwardMatchesDoubleStagingPath(Impl impl, Case c) {
        float[] x = inputs();
        int n = x.length, from = 3, to = n - 5;
        float[] y = new float[n];
        java.util.Arrays.fill(y, 7f);
        impl.forward(c.op(), x, y, from, to, c.a(), c.b());
        double[] ref = new double[n];
        CpuUnary.forward(c.op(), widen(x), ref, 0, n, c.a(), c.b());
        check(c + " forward", x, null, y, ref, from, to, EXACT.contains(c.op()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("implCases")
    void backwardMatchesDoubleStagingPath(Impl impl, Case c) {
        float[] x = inputs();
        int n = x.length, from = 1, to = n - 2;
        Random r = new Random(7);
        float[][] dys = {new float[n], new float[n]};
        for (int i = 0; i < n; i++) {
            dys[0][i] = 1f;
            dys[1][i] = i % 97 == 0 ? 0f : (float) r.nextGaussian() * (i % 5 == 0 ? 1e-20f : 1f);
        }
        for (float[] dy : dys) {
            float[] dx = new float[n];
            java.util.Arrays.fill(dx, 7f);
            impl.backward(c.op(), x, dy, dx, from, to, c.a(), c.b());
            double[] ref = new double[n];
            CpuUnary.backward(c.op(), widen(x), widen(dy), ref, 0, n, c.a(), c.b());
            check(c + " backward", x, dy, dx, ref, from, to, EXACT.contains(c.op()));
        }
    }

    @Test void scalarAndVectorAgreeOnShortRangesAtEveryOffset() {
        if (!CpuGemm.VECTOR) return;
        float[] x = new float[67];
        for (int i = 0; i < x.length; i++) x[i] = (i - 33) * 0.37f;
        for (UnaryOp op : new UnaryOp[]{UnaryOp.GELU_ERF, UnaryOp.GELU_TANH, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.EXP}) {
            for (int from = 0; from < 20; from++) {
                for (int to = from; to <= x.length; to += 7) {
                    float[] ys = new float[x.length], yv = new float[x.length];
                    SCALAR.forward(op, x, ys, from, to, 0, 0);
                    VECTOR.forward(op, x, yv, from, to, 0, 0);
                    for (int i = 0; i < x.length; i++) {
                        assertEquals(ys[i], yv[i], Math.max(2 * Math.ulp(ys[i]), 1e-7f), op + " [" + from + ", " + to + ") element " + i);
                    }
                }
            }
        }
    }

    @Test void geluErfIsAccurateInTheLeftTailInFloat() {
        // x Phi(x) is a normal float down to about x = -13 (values from mpmath): 1 + erf would give 0 from x = -5.5 on.
        float[] x = {-6f, -8f, -10f, -13f};
        double[] expected = {-5.919525870226189e-09, -4.976768459417427e-15, -7.619853024160526e-23, -7.952313719414844e-38};
        for (Impl impl : CpuGemm.VECTOR ? new Impl[]{SCALAR, VECTOR} : new Impl[]{SCALAR}) {
            float[] y = new float[x.length];
            impl.forward(UnaryOp.GELU_ERF, x, y, 0, x.length, 0, 0);
            for (int i = 0; i < x.length; i++) {
                assertEquals(expected[i], y[i], 1e-6 * Math.abs(expected[i]) + 1e-44, "gelu(" + x[i] + ")");
            }
        }
    }

    @Test void branchFreeSelectMatchesTheComparison() {
        float[] v = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFFFFFFF)};
        for (float f : v) {
            assertEquals(f > 0 ? -1 : 0, CpuUnaryF.positive(f), "positive(" + f + ")");
            assertEquals(Float.floatToRawIntBits(f > 0 ? 2f : -0f),
                    Float.floatToRawIntBits(CpuUnaryF.select(CpuUnaryF.positive(f), 2f, -0f)), "select(" + f + ")");
        }
    }

    private static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    private static void check(String what, float[] x, float[] dy, float[] got, double[] refd, int from, int to, boolean exact) {
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < got.length; i++) {
            if (i < from || i >= to) {
                if (got[i] != 7f) fail(what + ": wrote element " + i + " outside [" + from + ", " + to + ")");
                continue;
            }
            float ref = (float) refd[i];
            boolean ok;
            if (exact || Float.isNaN(ref) || Float.isInfinite(ref)) {
                ok = Float.floatToRawIntBits(ref) == Float.floatToRawIntBits(got[i])
                        || Float.isNaN(ref) && Float.isNaN(got[i])
                        || !exact && ref == got[i];
            } else {
                ok = !Float.isNaN(got[i]) && Math.abs(got[i] - refd[i]) <= Math.max(2 * Math.ulp(ref), 1e-7);
            }
            if (!ok && bad++ == 0) {
                first.append("x=").append(x[i]).append(dy == null ? "" : " dy=" + dy[i])
                        .append(": expected ").append(ref).append(" got ").append(got[i]);
            }
        }
        assertEquals(0, bad, what + ": " + bad + " elements off, first " + first);
    }
}

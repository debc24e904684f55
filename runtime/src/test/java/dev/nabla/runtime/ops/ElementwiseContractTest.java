package dev.nabla.runtime.ops;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.backend.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every unary op: forward against a float64 reference written here, backward by gradient check. */
class ElementwiseContractTest {
    /** One unary op with its scalar parameters, its input domain and a float64 reference. */
    record Case(String label, UnaryOp op, double a, double b, Domain domain, DoubleUnaryOperator ref) {
        @Override public String toString() { return label; }
    }

    /** Inputs: WIDE = [-3, 3) at least 0.05 away from 0; POSITIVE = [0.1, 3.1). */
    enum Domain { WIDE, POSITIVE }

    static List<Case> cases() {
        double c = Math.sqrt(2 / Math.PI);
        List<Case> l = new ArrayList<>();
        l.add(new Case("neg", UnaryOp.NEG, 0, 0, Domain.WIDE, x -> -x));
        l.add(new Case("abs", UnaryOp.ABS, 0, 0, Domain.WIDE, Math::abs));
        l.add(new Case("exp", UnaryOp.EXP, 0, 0, Domain.WIDE, Math::exp));
        l.add(new Case("log", UnaryOp.LOG, 0, 0, Domain.POSITIVE, Math::log));
        l.add(new Case("sqrt", UnaryOp.SQRT, 0, 0, Domain.POSITIVE, Math::sqrt));
        l.add(new Case("rsqrt", UnaryOp.RSQRT, 0, 0, Domain.POSITIVE, x -> 1 / Math.sqrt(x)));
        l.add(new Case("square", UnaryOp.SQUARE, 0, 0, Domain.WIDE, x -> x * x));
        l.add(new Case("pow 2.5", UnaryOp.POW_SCALAR, 2.5, 0, Domain.POSITIVE, x -> Math.pow(x, 2.5)));
        l.add(new Case("pow 3", UnaryOp.POW_SCALAR, 3, 0, Domain.WIDE, x -> x * x * x));
        l.add(new Case("pow -1", UnaryOp.POW_SCALAR, -1, 0, Domain.WIDE, x -> 1 / x));
        l.add(new Case("sin", UnaryOp.SIN, 0, 0, Domain.WIDE, Math::sin));
        l.add(new Case("cos", UnaryOp.COS, 0, 0, Domain.WIDE, Math::cos));
        l.add(new Case("tanh", UnaryOp.TANH, 0, 0, Domain.WIDE, Math::tanh));
        l.add(new Case("sigmoid", UnaryOp.SIGMOID, 0, 0, Domain.WIDE, x -> 1 / (1 + Math.exp(-x))));
        l.add(new Case("relu", UnaryOp.RELU, 0, 0, Domain.WIDE, x -> Math.max(0, x)));
        l.add(new Case("leaky_relu", UnaryOp.LEAKY_RELU, 0.1, 0, Domain.WIDE, x -> x > 0 ? x : 0.1 * x));
        l.add(new Case("gelu_tanh", UnaryOp.GELU_TANH, 0, 0, Domain.WIDE,
                x -> 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x)))));
        l.add(new Case("gelu_erf", UnaryOp.GELU_ERF, 0, 0, Domain.WIDE, x -> 0.5 * x * (1 + seriesErf(x / Math.sqrt(2)))));
        l.add(new Case("hard_sigmoid", UnaryOp.HARD_SIGMOID, 0, 0, Domain.WIDE, x -> Math.min(Math.max(x + 3, 0), 6) / 6));
        l.add(new Case("clamp", UnaryOp.CLAMP, -0.5, 1.5, Domain.WIDE, x -> Math.min(Math.max(x, -0.5), 1.5)));
        l.add(new Case("clamp min only", UnaryOp.CLAMP, 0.25, Double.NaN, Domain.WIDE, x -> Math.max(x, 0.25)));
        l.add(new Case("clamp max only", UnaryOp.CLAMP, Double.NaN, -0.25, Domain.WIDE, x -> Math.min(x, -0.25)));
        l.add(new Case("sign", UnaryOp.SIGN, 0, 0, Domain.WIDE, Math::signum));
        l.add(new Case("reciprocal", UnaryOp.RECIPROCAL, 0, 0, Domain.WIDE, x -> 1 / x));
        return l;
    }

    /** erf by its Maclaurin series, independent of the kernel's rational approximation (fine for |x| < 3). */
    static double seriesErf(double x) {
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    static Stream<Arguments> forwardCases() {
        return TestDevices.all().flatMap(d -> Stream.of(DType.FLOAT32, DType.FLOAT64)
                .flatMap(t -> cases().stream().map(c -> Arguments.of(d, t, c))));
    }

    static Stream<Case> gradCases() {
        // sign's derivative is 0 everywhere it exists; checking it is still worthwhile (it must not be NaN).
        return cases().stream();
    }

    /** Inputs of a domain, nudged at least 0.05 away from 0 so that no kink is within the finite-difference step. */
    static Tensor input(Domain domain, DType dtype, Device device, long seed, int... dims) {
        double[] v = TestTensors.random(seed, DType.FLOAT64, device, dims).toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = domain == Domain.POSITIVE ? 0.1 + 1.5 * (v[i] + 1) : 3 * v[i];
            if (Math.abs(v[i]) < 0.05) v[i] = Math.copySign(0.05, v[i]);
        }
        return Tensor.of(v, Shape.of(dims), dtype, device);
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("forwardCases")
    void unaryForwardMatchesFloat64Reference(Device device, DType dtype, Case c) {
        Tensor x = input(c.domain(), dtype, device, 7, 5, 37);
        Tensor y = ElementwiseOps.unary(c.op(), x, c.a(), c.b());
        assertEquals(dtype, y.dtype());
        assertEquals(x.shape(), y.shape());
        double[] xs = x.toDoubleArray();
        double[] expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) expected[i] = c.ref().applyAsDouble(xs[i]);
        TestTensors.assertClose(expected, y, TestDevices.atol(dtype), TestDevices.rtol(dtype), c.label());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradCases")
    void unaryBackwardMatchesFiniteDifferences(Case c) {
        Tensor x = input(c.domain(), DType.FLOAT64, Device.CPU, 11, 3, 4).requiresGrad(true);
        GradCheck.check(c.label(), in -> ElementwiseOps.unary(c.op(), in[0], c.a(), c.b()), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradCases")
    void fusedBackwardAgreesWithDifferentiableBackward(Case c) {
        if (c.op() == UnaryOp.GELU_ERF) return; // no createGraph rule for the exact GELU (documented)
        Tensor x = input(c.domain(), DType.FLOAT64, Device.CPU, 13, 2, 6).requiresGrad(true);
        Tensor g = TestTensors.randomDouble(14, 2, 6);
        Tensor y = ElementwiseOps.unary(c.op(), x, c.a(), c.b());
        y.backward(g);
        double[] fused = x.grad().toDoubleArray();
        Tensor y2 = ElementwiseOps.unary(c.op(), x, c.a(), c.b());
        Tensor graph = Autograd.grad(y2, new Tensor[]{x}, g, false, true)[0];
        TestTensors.assertClose(fused, graph, 1e-12, 1e-10, c.label());
    }

    @Test void geluExactIsAccurateInTheLeftTail() {
        // x Phi(x) at x = -10 is about -7.6e-23; 1 + erf(x / sqrt 2) would round to 0 there.
        Tensor y = Tensor.of(new double[]{-10, -6}, 2).gelu();
        assertEquals(-7.619853024160526e-23, y.toDoubleArray()[0], 1e-36);
        assertEquals(-5.9195258702261885e-09, y.toDoubleArray()[1], 1e-22);
    }

    @Test void reluAndFriendsKeepNaN() {
        Tensor x = Tensor.of(new double[]{Double.NaN}, 1);
        assertTrue(Double.isNaN(x.relu().item()));
        assertTrue(Double.isNaN(x.clamp(0, 1).item()));
        assertTrue(Double.isNaN(x.sign().item()));
    }

    @Test void sigmoidIsStableForLargeInputs() {
        double[] y = Tensor.of(new double[]{-800, 800}, 2).sigmoid().toDoubleArray();
        assertArrayEquals(new double[]{0, 1}, y, 0);
    }

    @Test void powZeroHasZeroGradientAtZero() {
        Tensor x = Tensor.of(new double[]{0, 2}, 2).requiresGrad(true);
        x.pow(0).sum().backward();
        assertArrayEquals(new double[]{0, 0}, x.grad().toDoubleArray(), 0);
    }

    @Test void integerUnaryOpsStayIntegers() {
        for (DType t : new DType[]{DType.INT32, DType.INT64}) {
            Tensor x = Tensor.of(new double[]{-3, -1, 0, 2, 5}, Shape.of(5), t, Device.CPU);
            assertEquals(t, x.neg().dtype());
            assertArrayEquals(new long[]{3, 1, 0, -2, -5}, x.neg().toLongArray(), t + " neg");
            assertArrayEquals(new long[]{3, 1, 0, 2, 5}, x.abs().toLongArray(), t + " abs");
            assertArrayEquals(new long[]{-1, -1, 0, 1, 1}, x.sign().toLongArray(), t + " sign");
            assertArrayEquals(new long[]{0, 0, 0, 2, 5}, x.relu().toLongArray(), t + " relu");
            assertArrayEquals(new long[]{9, 1, 0, 4, 25}, x.square().toLongArray(), t + " square");
            assertArrayEquals(new long[]{-1, -1, 0, 2, 3}, x.clamp(-1.5, 3.5).toLongArray(), t + " clamp");
            assertArrayEquals(new long[]{-3, -1, 0, 2, 2}, x.clamp(Double.NaN, 2).toLongArray(), t + " clamp max");
        }
    }

    @Test void largeFloat32InputIsProcessedInFullAcrossThreads() {
        int n = 300_001;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i % 1000) / 250f - 2f;
        float[] y = Tensor.of(v, n).tanh().toFloatArray();
        for (int i = 0; i < n; i += 997) assertEquals(Math.tanh(v[i]), y[i], 1e-6, "element " + i);
        assertEquals(Math.tanh(v[n - 1]), y[n - 1], 1e-6);
    }
}

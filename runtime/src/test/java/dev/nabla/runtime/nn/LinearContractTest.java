package dev.nabla.runtime.nn;

import dev.nabla.runtime.Backends;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.SecondOrderCheck;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TensorClosedException;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.MatmulKernels;
import dev.nabla.runtime.backend.MatmulSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * F.linear on every device against the unfused {@code x.matmul(w, false, true).add(b)}: forward and every
 * gradient, with and without bias, input ranks 1 to 3, an inner dim longer than one GEMM block; float64
 * gradcheck and double backward; the backend's default composition against the CPU's fused kernel; bad inputs.
 */
class LinearContractTest {
    /** Input dims (the last is in), and out. */
    record Geo(int[] xDims, int out) {
        int in() { return xDims[xDims.length - 1]; }

        @Override public String toString() { return java.util.Arrays.toString(xDims) + "->" + out; }
    }

    static final Geo[] GEOMETRIES = {
            new Geo(new int[]{5, 7}, 3),
            new Geo(new int[]{2, 3, 7}, 4),
            new Geo(new int[]{7}, 5),
            new Geo(new int[]{33, 300}, 20),      // several inner blocks, partial tiles
            new Geo(new int[]{4, 9, 16}, 40)};

    static Stream<Arguments> cases() {
        return TestDevices.all().flatMap(d -> Stream.of(DType.FLOAT64, DType.FLOAT32)
                .flatMap(t -> Stream.of(GEOMETRIES).flatMap(g -> Stream.of(true, false).map(b -> Arguments.of(d, t, g, b)))));
    }

    /** The unfused reference: matmul on the flattened rows, then a broadcast add. */
    private static Tensor reference(Tensor x, Tensor w, Tensor b) {
        int in = w.dim(1);
        int[] outDims = x.dims();
        outDims[outDims.length - 1] = w.dim(0);
        Tensor y = x.reshape(-1, in).matmul(w, false, true).reshape(outDims);
        return b == null ? y : y.add(b);
    }

    private static double atol(DType t) { return t == DType.FLOAT64 ? 1e-12 : 1e-5; }

    private static double rtol(DType t) { return t == DType.FLOAT64 ? 1e-10 : 1e-5; }

    @ParameterizedTest(name = "{2} bias={3} {1} on {0}")
    @MethodSource("cases")
    void forwardEqualsMatmulThenBiasAdd(Device device, DType dtype, Geo geo, boolean withBias) {
        Tensor x = TestTensors.random(1, dtype, device, geo.xDims());
        Tensor w = TestTensors.random(2, dtype, device, geo.out(), geo.in());
        Tensor b = withBias ? TestTensors.random(3, dtype, device, geo.out()) : null;
        Tensor y = F.linear(x, w, b);
        Tensor e = reference(x, w, b);
        assertArrayEquals(e.dims(), y.dims(), "shape");
        assertClose(e.toDoubleArray(), y, atol(dtype), rtol(dtype), "linear " + geo);
    }

    @ParameterizedTest(name = "{2} bias={3} {1} on {0}")
    @MethodSource("cases")
    void gradientsEqualThoseOfMatmulThenBiasAdd(Device device, DType dtype, Geo geo, boolean withBias) {
        Tensor[] fused = grads(device, dtype, geo, withBias, true);
        Tensor[] plain = grads(device, dtype, geo, withBias, false);
        String[] names = {"dx", "dw", "db"};
        for (int i = 0; i < (withBias ? 3 : 2); i++) {
            assertClose(plain[i].toDoubleArray(), fused[i], atol(dtype), rtol(dtype), names[i] + " " + geo);
        }
    }

    private static Tensor[] grads(Device device, DType dtype, Geo geo, boolean withBias, boolean fused) {
        Tensor x = TestTensors.random(1, dtype, device, geo.xDims()).requiresGrad(true);
        Tensor w = TestTensors.random(2, dtype, device, geo.out(), geo.in()).requiresGrad(true);
        Tensor b = withBias ? TestTensors.random(3, dtype, device, geo.out()).requiresGrad(true) : null;
        Tensor y = fused ? F.linear(x, w, b) : reference(x, w, b);
        y.backward(TestTensors.random(4, dtype, device, y.dims()));
        return new Tensor[]{x.grad(), w.grad(), b == null ? null : b.grad()};
    }

    static Stream<Arguments> gradCheckCases() {
        return Stream.of(new int[]{4, 5}, new int[]{2, 3, 5}).flatMap(d -> Stream.of(Arguments.of(d, true), Arguments.of(d, false)));
    }

    @ParameterizedTest(name = "x{0} bias={1}")
    @MethodSource("gradCheckCases")
    void gradCheckOfInputWeightAndBias(int[] xDims, boolean withBias) {
        Tensor x = TestTensors.randomDouble(1, xDims).requiresGrad(true);
        Tensor w = TestTensors.randomDouble(2, 3, xDims[xDims.length - 1]).requiresGrad(true);
        if (withBias) {
            Tensor b = TestTensors.randomDouble(3, 3).requiresGrad(true);
            GradCheck.check("linear", in -> F.linear(in[0], in[1], in[2]), x, w, b);
        } else {
            GradCheck.check("linear no bias", in -> F.linear(in[0], in[1], null), x, w);
        }
    }

    @Test
    void doubleBackwardBuildsOnDifferentiableOps() {
        Tensor x = TestTensors.randomDouble(1, 2, 3, 4).requiresGrad(true);
        Tensor w = TestTensors.randomDouble(2, 5, 4).requiresGrad(true);
        Tensor b = TestTensors.randomDouble(3, 5).requiresGrad(true);
        Tensor v = TestTensors.randomDouble(4, 2, 3, 5);
        SecondOrderCheck.check("linear", in -> F.linear(in[0], in[1], in[2]).tanh(), v, x, w, b);
    }

    @Test
    void onlyInputsThatRequireGradGetOne() {
        Tensor x = TestTensors.randomDouble(1, 6, 4);
        Tensor w = TestTensors.randomDouble(2, 3, 4).requiresGrad(true);
        Tensor b = TestTensors.randomDouble(3, 3);
        F.linear(x, w, b).sum().backward();
        assertNull(x.grad(), "x.grad");
        assertNull(b.grad(), "b.grad");
        // dw = ones^T x: each row of dw is the column sums of x.
        double[] xs = x.toDoubleArray(), expected = new double[12];
        for (int o = 0; o < 3; o++) for (int r = 0; r < 6; r++) for (int i = 0; i < 4; i++) expected[o * 4 + i] += xs[r * 4 + i];
        assertClose(expected, w.grad(), 1e-12, 1e-12, "dw");
    }

    @Test
    void noRowsGiveAnEmptyOutputAndZeroWeightAndBiasGradients() {
        Tensor x = Tensor.zeros(Shape.of(0, 4), DType.FLOAT32, Device.CPU).requiresGrad(true);
        Tensor w = TestTensors.random(2, DType.FLOAT32, Device.CPU, 3, 4).requiresGrad(true);
        Tensor b = TestTensors.random(3, DType.FLOAT32, Device.CPU, 3).requiresGrad(true);
        Tensor y = F.linear(x, w, b);
        TestTensors.assertShape(y, 0, 3);
        y.backward(Tensor.zeros(Shape.of(0, 3), DType.FLOAT32, Device.CPU));
        assertClose(new double[12], w.grad(), 0, 0, "dw");
        assertClose(new double[3], b.grad(), 0, 0, "db");
    }

    @ParameterizedTest(name = "bias={0}")
    @MethodSource("dev.nabla.runtime.nn.LinearContractTest#bools")
    void theBackendsDefaultCompositionMatchesTheCpuKernel(boolean withBias) {
        // The default (matmul, then an in-place bias add) is what a backend without a fused kernel runs.
        Backend cpu = Backends.forDevice(Device.CPU);
        MatmulKernels unfused = (a, b, spec) -> cpu.matmul().matmul(a, b, spec);
        for (DType dtype : new DType[]{DType.FLOAT64, DType.FLOAT32}) {
            Tensor x = TestTensors.random(1, dtype, Device.CPU, 37, 45);
            Tensor w = TestTensors.random(2, dtype, Device.CPU, 19, 45);
            Tensor b = withBias ? TestTensors.random(3, dtype, Device.CPU, 19) : null;
            Buffer bb = b == null ? null : b.buffer();
            Tensor fused = Tensor.wrap(cpu, cpu.matmul().linear(cpu, x.buffer(), w.buffer(), bb, 37, 45, 19), Shape.of(37, 19));
            Tensor composed = Tensor.wrap(cpu, unfused.linear(cpu, x.buffer(), w.buffer(), bb, 37, 45, 19), Shape.of(37, 19));
            assertClose(composed.toDoubleArray(), fused, atol(dtype), rtol(dtype), "linear " + dtype);
        }
    }

    static Stream<Boolean> bools() { return Stream.of(true, false); }

    @Test
    void aWideInnerDimWithBiasMatchesAFloat64Reference() {
        // 784 inputs: the fused GEMM accumulates onto the bias across four inner blocks.
        Tensor x = TestTensors.random(1, DType.FLOAT32, Device.CPU, 16, 784);
        Tensor w = TestTensors.random(2, DType.FLOAT32, Device.CPU, 10, 784);
        Tensor b = TestTensors.random(3, DType.FLOAT32, Device.CPU, 10);
        Tensor e = reference(x.to(DType.FLOAT64), w.to(DType.FLOAT64), b.to(DType.FLOAT64));
        assertClose(e.toDoubleArray(), F.linear(x, w, b), 1e-4, 1e-5, "linear 16x784 -> 10");
    }

    // ---- bad inputs: the exception names the op and the shapes

    private static Tensor f(int... dims) { return Tensor.zeros(Shape.of(dims), DType.FLOAT32, Device.CPU); }

    private static void assertFails(Class<? extends NablaException> type, Supplier<Tensor> call, String... fragments) {
        NablaException e = assertThrows(type, call::get);
        assertTrue(e.getMessage().startsWith("linear"), e.getMessage());
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' missing from: " + e.getMessage());
    }

    @Test
    void anInputWhoseLastDimIsNotTheWeightsInFails() {
        assertFails(ShapeMismatchException.class, () -> F.linear(f(2, 5), f(3, 4), f(3)), "[2, 5]", "[3, 4]", "4");
    }

    @Test
    void aWeightThatIsNot2dFails() {
        assertFails(ShapeMismatchException.class, () -> F.linear(f(2, 4), f(4), null), "[out, in]", "[4]");
    }

    @Test
    void aBiasOfTheWrongShapeFails() {
        assertFails(ShapeMismatchException.class, () -> F.linear(f(2, 4), f(3, 4), f(4)), "bias", "[3]", "[4]");
        assertFails(ShapeMismatchException.class, () -> F.linear(f(2, 4), f(3, 4), f(1, 3)), "bias", "[1, 3]");
    }

    @Test
    void aScalarInputFails() {
        assertFails(ShapeMismatchException.class, () -> F.linear(f(), f(3, 4), null), "at least 1 dim");
    }

    @Test
    void mixedDtypesFail() {
        Tensor w64 = Tensor.zeros(Shape.of(3, 4), DType.FLOAT64, Device.CPU);
        Tensor b64 = Tensor.zeros(Shape.of(3), DType.FLOAT64, Device.CPU);
        assertFails(DTypeMismatchException.class, () -> F.linear(f(2, 4), w64, null), "FLOAT32", "FLOAT64");
        assertFails(DTypeMismatchException.class, () -> F.linear(f(2, 4), f(3, 4), b64), "FLOAT32", "FLOAT64");
    }

    @Test
    void integerInputsFail() {
        Tensor xi = Tensor.zeros(Shape.of(2, 4), DType.INT32, Device.CPU);
        assertFails(DTypeMismatchException.class, () -> F.linear(xi, f(3, 4), null), "INT32");
    }

    @Test
    void nullAndClosedArgumentsFail() {
        assertFails(InvalidArgumentException.class, () -> F.linear(null, f(3, 4), null), "null");
        assertFails(InvalidArgumentException.class, () -> F.linear(f(2, 4), null, null), "null");
        Tensor w = f(3, 4);
        w.close();
        assertThrows(TensorClosedException.class, () -> F.linear(f(2, 4), w, null));
    }
}

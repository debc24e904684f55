package dev.nabla.runtime.nn;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TensorClosedException;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.nn.ConvReference.PoolGeo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** max_pool2d and avg_pool2d on every device: PyTorch fixtures, plain-loop references, gradcheck, bad input. */
class PoolContractTest {
    static final List<String> FIXTURES = List.of("max_2x2", "max_3x3_s2_p1", "avg_3x3_s2_p1_include_pad",
            "avg_3x3_s2_p1_exclude_pad", "avg_2x3_nonsquare");

    static final List<PoolGeo> GEOMETRIES = List.of(
            new PoolGeo(2, 3, 6, 6, 2, 2, 2, 2, 0, 0),
            new PoolGeo(1, 2, 7, 5, 3, 3, 2, 2, 1, 1),
            new PoolGeo(3, 1, 5, 8, 2, 3, 1, 2, 1, 1),
            new PoolGeo(2, 2, 1, 6, 1, 3, 1, 1, 0, 1),
            new PoolGeo(1, 1, 4, 4, 4, 4, 1, 1, 2, 2));

    static Stream<Arguments> devicesDtypesFixtures() {
        return TestDevices.all().flatMap(d -> Stream.of(DType.FLOAT64, DType.FLOAT32)
                .flatMap(t -> FIXTURES.stream().map(f -> Arguments.of(d, t, f))));
    }

    static Stream<Arguments> devicesDtypesGeometries() {
        return TestDevices.all().flatMap(d -> Stream.of(DType.FLOAT64, DType.FLOAT32)
                .flatMap(t -> GEOMETRIES.stream().map(g -> Arguments.of(d, t, g))));
    }

    static Stream<Arguments> devicesGeometries() {
        return TestDevices.all().flatMap(d -> GEOMETRIES.stream().map(g -> Arguments.of(d, g)));
    }

    static double atol(DType t) { return t == DType.FLOAT64 ? 1e-12 : 1e-5; }

    static double rtol(DType t) { return t == DType.FLOAT64 ? 1e-10 : 1e-5; }

    /** Distinct values (a shuffled ramp) so that no max-pool window has a tie and finite differences stay inside one branch. */
    static Tensor distinct(long seed, DType dtype, Device device, int... dims) {
        int n = (int) Shape.of(dims).numel();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2.0) * 0.125;
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, Shape.of(dims), dtype, device);
    }

    private static int[] ints(Fixtures f, String name) {
        double[] v = f.get(name).values();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }

    private static Tensor pool(Fixtures f, Tensor x, String name) {
        int[] k = ints(f, "kernel"), s = ints(f, "stride"), p = ints(f, "padding");
        return name.startsWith("max") ? PoolOps.maxPool2d(x, k, s, p)
                : PoolOps.avgPool2d(x, k, s, p, ints(f, "count_include_pad")[0] == 1);
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("devicesDtypesFixtures")
    void forwardAndBackwardMatchPyTorch(Device device, DType dtype, String name) {
        Fixtures f = Fixtures.load("conv/" + name + ".txt");
        Tensor x = f.get("input").tensor(dtype, device).requiresGrad(true);
        Tensor y = pool(f, x, name);
        assertArrayEquals(f.get("output").shape(), y.dims(), "output shape");
        assertClose(f.get("output").values(), y, atol(dtype), rtol(dtype), name + " output");
        y.backward(f.get("grad_output").tensor(dtype, device));
        assertClose(f.get("grad_input").values(), x.grad(), atol(dtype), rtol(dtype), name + " grad_input");
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("devicesDtypesGeometries")
    void maxPoolMatchesPlainLoopReference(Device device, DType dtype, PoolGeo geo) {
        Tensor x = distinct(1, dtype, device, geo.xDims()).requiresGrad(true);
        Tensor y = PoolOps.maxPool2d(x, geo.kernel(), geo.stride(), geo.padding());
        assertArrayEquals(new int[]{geo.n(), geo.c(), geo.oh(), geo.ow()}, y.dims());
        assertClose(ConvReference.maxPool(geo, x.toDoubleArray(), null), y, atol(dtype), rtol(dtype), "max_pool2d " + geo);
        Tensor g = TestTensors.random(2, dtype, device, y.dims());
        y.backward(g);
        assertClose(ConvReference.maxPoolGrad(geo, x.toDoubleArray(), g.toDoubleArray()), x.grad(),
                atol(dtype), rtol(dtype), "max_pool2d grad " + geo);
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("devicesDtypesGeometries")
    void avgPoolMatchesPlainLoopReferenceWithAndWithoutPadCounting(Device device, DType dtype, PoolGeo geo) {
        for (boolean include : new boolean[]{true, false}) {
            Tensor x = TestTensors.random(3, dtype, device, geo.xDims()).requiresGrad(true);
            Tensor y = PoolOps.avgPool2d(x, geo.kernel(), geo.stride(), geo.padding(), include);
            String what = "avg_pool2d countIncludePad=" + include + " " + geo;
            assertClose(ConvReference.avgPool(geo, x.toDoubleArray(), include), y, atol(dtype), rtol(dtype), what);
            Tensor g = TestTensors.random(4, dtype, device, y.dims());
            y.backward(g);
            assertClose(ConvReference.avgPoolGrad(geo, g.toDoubleArray(), include), x.grad(), atol(dtype), rtol(dtype), what + " grad");
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("devicesGeometries")
    void maxPoolPassesGradCheck(Device device, PoolGeo geo) {
        Tensor x = distinct(5, DType.FLOAT64, device, geo.xDims()).requiresGrad(true);
        GradCheck.check("max_pool2d " + geo, in -> PoolOps.maxPool2d(in[0], geo.kernel(), geo.stride(), geo.padding()), x);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("devicesGeometries")
    void avgPoolPassesGradCheck(Device device, PoolGeo geo) {
        Tensor x = TestTensors.random(6, DType.FLOAT64, device, geo.xDims()).requiresGrad(true);
        GradCheck.check("avg_pool2d " + geo, in -> PoolOps.avgPool2d(in[0], geo.kernel(), geo.stride(), geo.padding(), false), x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nabla.runtime.TestDevices#all")
    void maxPoolPaddingNeverWinsOverNegativeValues(Device device) {
        Tensor x = Tensor.of(new double[]{-5, -6, -7, -8}, Shape.of(1, 1, 2, 2), DType.FLOAT64, device);
        Tensor y = PoolOps.maxPool2d(x, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1});
        assertArrayEquals(new double[]{-5, -5, -6, -5, -5, -6, -7, -7, -8}, y.toDoubleArray(), 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nabla.runtime.TestDevices#all")
    void maxPoolPropagatesNaN(Device device) {
        Tensor x = Tensor.of(new double[]{1, Double.NaN, 3, 4, 5, 6, 7, 8}, Shape.of(1, 1, 2, 4), DType.FLOAT32, device);
        double[] y = PoolOps.maxPool2d(x, new int[]{2, 2}, null, null).toDoubleArray();
        assertTrue(Double.isNaN(y[0]), "window holding a NaN gives NaN");
        assertEquals(8.0, y[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nabla.runtime.TestDevices#all")
    void maxPoolStrideDefaultsToKernel(Device device) {
        Tensor x = Tensor.of(new double[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, Shape.of(1, 1, 4, 4),
                DType.FLOAT64, device);
        Tensor y = PoolOps.maxPool2d(x, new int[]{2, 2}, null, null);
        assertArrayEquals(new int[]{1, 1, 2, 2}, y.dims());
        assertArrayEquals(new double[]{6, 8, 14, 16}, y.toDoubleArray(), 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nabla.runtime.TestDevices#all")
    void maxPoolGradientGoesToTheFirstOfTiedMaxima(Device device) {
        Tensor x = Tensor.of(new double[]{2, 2, 1, 2}, Shape.of(1, 1, 2, 2), DType.FLOAT64, device).requiresGrad(true);
        PoolOps.maxPool2d(x, new int[]{2, 2}, null, null).backward(Tensor.of(new double[]{1}, Shape.of(1, 1, 1, 1), DType.FLOAT64, device));
        assertArrayEquals(new double[]{1, 0, 0, 0}, x.grad().toDoubleArray(), 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nabla.runtime.TestDevices#all")
    void avgPoolExcludingPaddingDividesCornerWindowsByRealPixels(Device device) {
        Tensor x = Tensor.of(new double[]{4, 8, 12, 16}, Shape.of(1, 1, 2, 2), DType.FLOAT64, device);
        double[] incl = PoolOps.avgPool2d(x, new int[]{2, 2}, new int[]{2, 2}, new int[]{1, 1}, true).toDoubleArray();
        double[] excl = PoolOps.avgPool2d(x, new int[]{2, 2}, new int[]{2, 2}, new int[]{1, 1}, false).toDoubleArray();
        assertArrayEquals(new double[]{1, 2, 3, 4}, incl, 0);
        assertArrayEquals(new double[]{4, 8, 12, 16}, excl, 0);
    }

    // ---------------------------------------------------------------- bad input

    private static Tensor t(DType dtype, int... dims) { return Tensor.zeros(Shape.of(dims), dtype, Device.CPU); }

    private static void expect(Class<? extends NablaException> type, String op, Executable call, String... fragments) {
        NablaException e = assertThrows(type, call);
        assertTrue(e.getMessage().startsWith(op), "message names the op: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message mentions " + f + ": " + e.getMessage());
    }

    @Test
    void inputOfRankThreeIsAShapeMismatch() {
        Tensor x = t(DType.FLOAT64, 2, 4, 4);
        expect(ShapeMismatchException.class, "max_pool2d", () -> PoolOps.maxPool2d(x, new int[]{2, 2}, null, null), "[2, 4, 4]");
        expect(ShapeMismatchException.class, "avg_pool2d", () -> PoolOps.avgPool2d(x, new int[]{2, 2}, null, null, true), "[2, 4, 4]");
    }

    @Test
    void paddingMoreThanHalfTheKernelIsInvalid() {
        Tensor x = t(DType.FLOAT64, 1, 1, 6, 6);
        expect(InvalidArgumentException.class, "max_pool2d", () -> PoolOps.maxPool2d(x, new int[]{3, 3}, null, new int[]{2, 2}),
                "padding [2, 2]", "[3, 3]", "[1, 1, 6, 6]");
    }

    @Test
    void kernelLargerThanPaddedInputIsAShapeMismatch() {
        Tensor x = t(DType.FLOAT64, 1, 1, 2, 6);
        expect(ShapeMismatchException.class, "avg_pool2d", () -> PoolOps.avgPool2d(x, new int[]{3, 3}, null, null, true),
                "[3, 3]", "[1, 1, 2, 6]");
    }

    @Test
    void zeroStrideIsInvalid() {
        Tensor x = t(DType.FLOAT64, 1, 1, 4, 4);
        expect(InvalidArgumentException.class, "max_pool2d", () -> PoolOps.maxPool2d(x, new int[]{2, 2}, new int[]{0, 1}, null), "stride");
    }

    @Test
    void zeroKernelIsInvalid() {
        Tensor x = t(DType.FLOAT64, 1, 1, 4, 4);
        expect(InvalidArgumentException.class, "avg_pool2d", () -> PoolOps.avgPool2d(x, new int[]{0, 2}, null, null, true), "kernel");
    }

    @Test
    void negativePaddingIsInvalid() {
        Tensor x = t(DType.FLOAT64, 1, 1, 4, 4);
        expect(InvalidArgumentException.class, "max_pool2d", () -> PoolOps.maxPool2d(x, new int[]{2, 2}, null, new int[]{-1, 0}), "padding");
    }

    @Test
    void integerInputIsADTypeMismatch() {
        Tensor x = t(DType.INT32, 1, 1, 4, 4);
        expect(DTypeMismatchException.class, "max_pool2d", () -> PoolOps.maxPool2d(x, new int[]{2, 2}, null, null), "INT32", "[1, 1, 4, 4]");
    }

    @Test
    void closedInputIsReported() {
        Tensor x = t(DType.FLOAT64, 1, 1, 4, 4);
        x.close();
        expect(TensorClosedException.class, "avg_pool2d", () -> PoolOps.avgPool2d(x, new int[]{2, 2}, null, null, true), "[1, 1, 4, 4]");
    }
}

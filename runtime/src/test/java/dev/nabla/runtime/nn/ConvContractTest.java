package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.nn.ConvReference.Geo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** conv2d forward and backward on every device: PyTorch fixtures, a plain-loop float64 reference, gradcheck. */
class ConvContractTest {
    static final List<String> FIXTURES = List.of("conv_3x3_pad1", "conv_stride2", "conv_dilation2", "conv_groups2",
            "conv_depthwise", "conv_no_bias", "conv_1x1", "conv_nonsquare");

    /** Random geometries: batch 1 and several (both threading paths), every option, size-1 and non-square dims. */
    static final List<Geo> GEOMETRIES = List.of(
            new Geo(1, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),
            new Geo(5, 2, 7, 9, 3, 3, 2, 2, 3, 1, 0, 1, 1, 1),
            new Geo(3, 4, 8, 8, 6, 3, 3, 1, 2, 2, 1, 2, 3, 2),
            new Geo(4, 6, 5, 7, 6, 3, 3, 2, 1, 1, 1, 1, 1, 6),
            new Geo(6, 4, 4, 3, 8, 1, 1, 1, 1, 0, 0, 1, 1, 2),
            new Geo(2, 3, 5, 5, 2, 1, 1, 2, 2, 1, 1, 1, 1, 1),
            new Geo(2, 1, 1, 7, 2, 1, 3, 1, 1, 0, 1, 1, 2, 1),
            new Geo(3, 2, 4, 4, 2, 4, 4, 1, 1, 0, 0, 1, 1, 1));

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

    static double atol(DType t) { return t == DType.FLOAT64 ? 1e-10 : 1e-4; }

    static double rtol(DType t) { return t == DType.FLOAT64 ? 1e-9 : 1e-4; }

    private record Case(Tensor x, Tensor w, Tensor b, Tensor g, int[] stride, int[] padding, int[] dilation, int groups) {
        Tensor conv() { return ConvOps.conv2d(x, w, b, stride, padding, dilation, groups); }
    }

    private static int[] ints(Fixtures f, String name) {
        double[] v = f.get(name).values();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }

    private static Case load(Fixtures f, DType dtype, Device device) {
        return new Case(f.get("input").tensor(dtype, device), f.get("weight").tensor(dtype, device),
                f.has("bias") ? f.get("bias").tensor(dtype, device) : null, f.get("grad_output").tensor(dtype, device),
                ints(f, "stride"), ints(f, "padding"), ints(f, "dilation"), ints(f, "groups")[0]);
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("devicesDtypesFixtures")
    void forwardMatchesPyTorch(Device device, DType dtype, String name) {
        Fixtures f = Fixtures.load("conv/" + name + ".txt");
        Case c = load(f, dtype, device);
        Tensor y = c.conv();
        assertArrayEquals(f.get("output").shape(), y.dims(), "output shape");
        assertClose(f.get("output").values(), y, atol(dtype), rtol(dtype), name + " output");
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("devicesDtypesFixtures")
    void inputAndWeightGradientsMatchPyTorch(Device device, DType dtype, String name) {
        Fixtures f = Fixtures.load("conv/" + name + ".txt");
        Case c = load(f, dtype, device);
        c.x().requiresGrad(true);
        c.w().requiresGrad(true);
        c.conv().backward(c.g());
        assertClose(f.get("grad_input").values(), c.x().grad(), atol(dtype), rtol(dtype), name + " grad_input");
        assertClose(f.get("grad_weight").values(), c.w().grad(), atol(dtype), rtol(dtype), name + " grad_weight");
    }

    /**
     * Weight and bias gradients asked for together (the backend may sum dy for the bias in the weight pass, as the
     * CPU's lanes pass of a small-reduction float32 conv does) against each asked for alone: the same dw bits, and
     * db the plain reduction's within float rounding. Shapes of the CNN's first layer, batch 3, and 5 channels.
     */
    @org.junit.jupiter.api.Test
    void weightAndBiasGradientsTogetherMatchEachAlone() {
        for (int cOut : new int[]{32, 5}) {
            Tensor x = Tensor.randn(Shape.of(3, 1, 28, 28), 41);
            Tensor g = Tensor.randn(Shape.of(3, cOut, 28, 28), 42);
            Tensor w = Tensor.randn(Shape.of(cOut, 1, 3, 3), 43), b = Tensor.randn(Shape.of(cOut), 44);
            int[] one = {1, 1};
            w.requiresGrad(true);
            b.requiresGrad(true);
            ConvOps.conv2d(x, w, b, one, one, one, 1).backward(g);
            float[] dwBoth = w.grad().toFloatArray(), dbBoth = b.grad().toFloatArray();
            w.zeroGrad();
            b.requiresGrad(false);
            ConvOps.conv2d(x, w, b, one, one, one, 1).backward(g);
            float[] dwAlone = w.grad().toFloatArray();
            w.requiresGrad(false);
            b.requiresGrad(true);
            b.zeroGrad();
            ConvOps.conv2d(x, w, b, one, one, one, 1).backward(g);
            assertArrayEquals(dwAlone, dwBoth, "dw, " + cOut + " channels");
            assertClose(b.grad().toDoubleArray(), Tensor.of(dbBoth, cOut), 1e-4, 1e-5, "db, " + cOut + " channels");
        }
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("devicesDtypesFixtures")
    void biasGradientMatchesPyTorch(Device device, DType dtype, String name) {
        Fixtures f = Fixtures.load("conv/" + name + ".txt");
        if (!f.has("bias")) return;
        Case c = load(f, dtype, device);
        c.b().requiresGrad(true);
        c.conv().backward(c.g());
        assertClose(f.get("grad_bias").values(), c.b().grad(), atol(dtype), rtol(dtype), name + " grad_bias");
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("devicesDtypesGeometries")
    void forwardMatchesPlainLoopReference(Device device, DType dtype, Geo geo) {
        Tensor x = TestTensors.random(11, dtype, device, geo.xDims());
        Tensor w = TestTensors.random(12, dtype, device, geo.wDims());
        Tensor b = TestTensors.random(13, dtype, device, geo.cOut());
        double[] expected = ConvReference.conv(geo, x.toDoubleArray(), w.toDoubleArray(), b.toDoubleArray());
        Tensor y = ConvOps.conv2d(x, w, b, geo.stride(), geo.padding(), geo.dilation(), geo.groups());
        assertArrayEquals(geo.yDims(), y.dims(), "output shape");
        assertClose(expected, y, atol(dtype), rtol(dtype), "conv2d " + geo);
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("devicesDtypesGeometries")
    void backwardPassesMatchPlainLoopReference(Device device, DType dtype, Geo geo) {
        Tensor x = TestTensors.random(21, dtype, device, geo.xDims()).requiresGrad(true);
        Tensor w = TestTensors.random(22, dtype, device, geo.wDims()).requiresGrad(true);
        Tensor g = TestTensors.random(23, dtype, device, geo.yDims());
        ConvOps.conv2d(x, w, null, geo.stride(), geo.padding(), geo.dilation(), geo.groups()).backward(g);
        assertClose(ConvReference.convGradInput(geo, g.toDoubleArray(), w.toDoubleArray()), x.grad(),
                atol(dtype), rtol(dtype), "grad_input " + geo);
        assertClose(ConvReference.convGradWeight(geo, x.toDoubleArray(), g.toDoubleArray()), w.grad(),
                atol(dtype), rtol(dtype), "grad_weight " + geo);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("devicesGeometries")
    void inputWeightAndBiasPassGradCheck(Device device, Geo geo) {
        Tensor x = TestTensors.random(31, DType.FLOAT64, device, geo.xDims()).requiresGrad(true);
        Tensor w = TestTensors.random(32, DType.FLOAT64, device, geo.wDims()).requiresGrad(true);
        Tensor b = TestTensors.random(33, DType.FLOAT64, device, geo.cOut()).requiresGrad(true);
        GradCheck.check("conv2d " + geo,
                in -> ConvOps.conv2d(in[0], in[1], in[2], geo.stride(), geo.padding(), geo.dilation(), geo.groups()), x, w, b);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("devicesGeometries")
    void doubleBackwardThroughInputGradientGivesWeightGradient(Device device, Geo geo) {
        // <d conv/dx applied to g, v> is linear in w; its gradient in w is conv2d_backward_weight(v, g).
        Tensor x = TestTensors.random(41, DType.FLOAT64, device, geo.xDims()).requiresGrad(true);
        Tensor w = TestTensors.random(42, DType.FLOAT64, device, geo.wDims()).requiresGrad(true);
        Tensor g = TestTensors.random(43, DType.FLOAT64, device, geo.yDims());
        Tensor v = TestTensors.random(44, DType.FLOAT64, device, geo.xDims());
        Tensor y = ConvOps.conv2d(x, w, null, geo.stride(), geo.padding(), geo.dilation(), geo.groups());
        Tensor dx = Autograd.grad(y, new Tensor[]{x}, g, true, true)[0];
        dx.backward(v);
        assertClose(ConvReference.convGradWeight(geo, v.toDoubleArray(), g.toDoubleArray()), w.grad(),
                1e-10, 1e-9, "d<dx, v>/dw " + geo);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nabla.runtime.TestDevices#all")
    void oneByOneConvIsAChannelMatrixProduct(Device device) {
        // 1x1 stride-1 convs skip im2col: y[n, o, p] = sum_c w[o, c] x[n, c, p].
        double[] xv = {1, 2, 3, 4, 5, 6, 7, 8};                  // [1, 2, 2, 2]
        double[] wv = {1, -1, 2, 0.5};                           // [2, 2, 1, 1]
        Tensor x = Tensor.of(xv, Shape.of(1, 2, 2, 2), DType.FLOAT64, device);
        Tensor w = Tensor.of(wv, Shape.of(2, 2, 1, 1), DType.FLOAT64, device);
        Tensor y = ConvOps.conv2d(x, w, null, null, null, null, 1);
        assertArrayEquals(new double[]{-4, -4, -4, -4, 4.5, 7, 9.5, 12}, y.toDoubleArray(), 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.nabla.runtime.TestDevices#all")
    void kernelAsLargeAsPaddedInputGivesOnePixel(Device device) {
        Tensor x = Tensor.of(new double[]{1, 2, 3, 4}, Shape.of(1, 1, 2, 2), DType.FLOAT64, device);
        Tensor w = Tensor.of(new double[]{1, 1, 1, 1, 1, 1, 1, 1, 1}, Shape.of(1, 1, 3, 3), DType.FLOAT64, device);
        Tensor z = ConvOps.conv2d(x, w, null, new int[]{2, 2}, new int[]{1, 1}, new int[]{1, 1}, 1);
        assertArrayEquals(new int[]{1, 1, 1, 1}, z.dims());
        assertArrayEquals(new double[]{10}, z.toDoubleArray(), 0);
    }
}

package dev.nabla.runtime.nn;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.nn.ConvReference.Geo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * conv2d geometries with a short reduction (one group, cIn * kh * kw <= 27), which the CPU backend computes with
 * its direct kernel instead of im2col + GEMM: forward, weight, input and bias gradients against the plain-loop
 * float64 reference, in float32 and float64. Output widths are chosen around the vector lengths (tails).
 */
class ConvSmallKTest {
    static final List<Geo> GEOMETRIES = List.of(
            // n, cIn, h, w, cOut, kh, kw, sh, sw, ph, pw, dh, dw, groups
            new Geo(4, 1, 28, 28, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1),   // the Fashion-MNIST first layer, K = 9
            new Geo(3, 1, 9, 11, 3, 3, 3, 1, 1, 0, 0, 1, 1, 1),    // no padding
            new Geo(2, 2, 7, 6, 4, 3, 2, 1, 1, 2, 2, 1, 1, 1),     // padding 2, non-square kernel
            new Geo(3, 1, 9, 10, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1),    // stride 2
            new Geo(2, 2, 8, 13, 3, 3, 3, 2, 1, 0, 2, 1, 1, 1),    // stride 2 rows, 1 columns
            new Geo(2, 1, 10, 9, 3, 3, 3, 1, 1, 2, 2, 2, 2, 1),    // dilation 2 "same"
            new Geo(2, 3, 6, 35, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),    // K = 27, the threshold
            new Geo(2, 1, 5, 8, 3, 5, 5, 1, 2, 2, 1, 1, 1, 1),     // K = 25, kernel wider than padding
            new Geo(1, 3, 1, 1, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1),     // 1x1 image, 1x1 kernel
            new Geo(2, 4, 5, 6, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1));    // K = 36: just past the threshold (im2col)

    static Stream<Arguments> dtypesGeometries() {
        return Stream.of(DType.FLOAT64, DType.FLOAT32).flatMap(t -> GEOMETRIES.stream().map(g -> Arguments.of(t, g)));
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("dtypesGeometries")
    void forwardWithBiasMatchesPlainLoopReference(DType dtype, Geo geo) {
        Tensor x = TestTensors.random(51, dtype, Device.CPU, geo.xDims());
        Tensor w = TestTensors.random(52, dtype, Device.CPU, geo.wDims());
        Tensor b = TestTensors.random(53, dtype, Device.CPU, geo.cOut());
        Tensor y = ConvOps.conv2d(x, w, b, geo.stride(), geo.padding(), geo.dilation(), geo.groups());
        assertArrayEquals(geo.yDims(), y.dims(), "output shape");
        assertClose(ConvReference.conv(geo, x.toDoubleArray(), w.toDoubleArray(), b.toDoubleArray()), y,
                ConvContractTest.atol(dtype), ConvContractTest.rtol(dtype), "conv2d " + geo);
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("dtypesGeometries")
    void weightInputAndBiasGradientsMatchPlainLoopReference(DType dtype, Geo geo) {
        Tensor x = TestTensors.random(61, dtype, Device.CPU, geo.xDims()).requiresGrad(true);
        Tensor w = TestTensors.random(62, dtype, Device.CPU, geo.wDims()).requiresGrad(true);
        Tensor b = TestTensors.random(63, dtype, Device.CPU, geo.cOut()).requiresGrad(true);
        Tensor g = TestTensors.random(64, dtype, Device.CPU, geo.yDims());
        ConvOps.conv2d(x, w, b, geo.stride(), geo.padding(), geo.dilation(), geo.groups()).backward(g);
        double atol = ConvContractTest.atol(dtype), rtol = ConvContractTest.rtol(dtype);
        assertClose(ConvReference.convGradWeight(geo, x.toDoubleArray(), g.toDoubleArray()), w.grad(), atol, rtol,
                "grad_weight " + geo);
        assertClose(ConvReference.convGradInput(geo, g.toDoubleArray(), w.toDoubleArray()), x.grad(), atol, rtol,
                "grad_input " + geo);
        assertClose(ConvReference.convGradBias(geo, g.toDoubleArray()), b.grad(), atol, rtol, "grad_bias " + geo);
    }
}

package dev.nabla.layers;

import dev.nabla.layers.attention.MultiHeadAttention;
import dev.nabla.layers.conv.Conv2d;
import dev.nabla.layers.init.Init;
import dev.nabla.layers.init.Init.FanMode;
import dev.nabla.layers.init.Init.Nonlinearity;
import dev.nabla.layers.norm.LayerNorm;
import dev.nabla.layers.recurrent.GRU;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Initialisers and every layer's default initialisation, against PyTorch's formulas. */
class InitTest {
    static Tensor empty(int... dims) { return Tensor.zeros(Shape.of(dims), DType.FLOAT64, Device.CPU); }

    /** Asserts all |v| <= bound and that the values reach near the bound (so the bound is not smaller). */
    static void assertUniformWithin(double bound, Tensor t, String what) {
        double max = 0;
        for (double v : t.toDoubleArray()) {
            assertTrue(Math.abs(v) <= bound * (1 + 1e-6), what + ": " + v + " outside +-" + bound);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.8 * bound, what + ": largest |value| " + max + " is far inside +-" + bound);
    }

    static double std(double[] v) {
        double m = 0, s = 0;
        for (double x : v) m += x;
        m /= v.length;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / v.length);
    }

    @Test void fansFollowPyTorchForConvolutionWeights() {
        Init.Fans f = Init.fans(Shape.of(6, 4, 3, 2));
        assertEquals(24, f.fanIn());
        assertEquals(36, f.fanOut());
    }

    @Test void fansOfAVectorAreRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Init.fans(Shape.of(5)));
        assertTrue(e.getMessage().contains("[5]"), e.getMessage());
    }

    @Test void gainsMatchCalculateGain() {
        assertEquals(1.0, Init.gain(Nonlinearity.LINEAR, Double.NaN));
        assertEquals(1.0, Init.gain(Nonlinearity.SIGMOID, Double.NaN));
        assertEquals(5.0 / 3, Init.gain(Nonlinearity.TANH, Double.NaN), 1e-15);
        assertEquals(Math.sqrt(2), Init.gain(Nonlinearity.RELU, Double.NaN), 1e-15);
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.gain(Nonlinearity.LEAKY_RELU, Double.NaN), 1e-15);
        assertEquals(Math.sqrt(2 / 6.0), Init.gain(Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15);
    }

    @Test void constantZerosAndOnesFill() {
        assertArrayEquals(new double[]{2.5, 2.5}, Init.constant(empty(2), 2.5).toDoubleArray());
        assertArrayEquals(new double[]{1, 1}, Init.ones(empty(2)).toDoubleArray());
        assertArrayEquals(new double[]{0, 0}, Init.zeros(Init.ones(empty(2))).toDoubleArray());
    }

    @Test void xavierUniformUsesGlorotBound() {
        Tensor w = Init.xavierUniform(empty(30, 50), 2.0, new Generator(3));
        assertUniformWithin(2.0 * Math.sqrt(6.0 / 80), w, "xavier_uniform");
    }

    @Test void xavierNormalHasGlorotStd() {
        Tensor w = Init.xavierNormal(empty(200, 300), 1.0, new Generator(4));
        assertEquals(Math.sqrt(2.0 / 500), std(w.toDoubleArray()), 0.03 * Math.sqrt(2.0 / 500));
    }

    @Test void kaimingUniformUsesTheFanOfTheMode() {
        Tensor w = Init.kaimingUniform(empty(20, 10, 3, 3), 0, FanMode.FAN_OUT, Nonlinearity.RELU, new Generator(5));
        assertUniformWithin(Math.sqrt(2) * Math.sqrt(3.0 / 180), w, "kaiming_uniform fan_out");
    }

    @Test void kaimingNormalHasHeStd() {
        Tensor w = Init.kaimingNormal(empty(300, 200), 0, FanMode.FAN_IN, Nonlinearity.RELU, new Generator(6));
        assertEquals(Math.sqrt(2.0 / 200), std(w.toDoubleArray()), 0.03 * Math.sqrt(2.0 / 200));
    }

    @Test void linearDefaultIsUniformOneOverSqrtFanIn() {
        Linear lin = new Linear(64, 200);
        assertUniformWithin(1 / 8.0, lin.weight(), "Linear weight");
        assertUniformWithin(1 / 8.0, lin.bias(), "Linear bias");
    }

    @Test void conv2dDefaultUsesFanInOfChannelsTimesKernel() {
        Conv2d conv = new Conv2d(4, 64, 3, 1, 0);
        double bound = 1 / Math.sqrt(4 * 9);
        assertUniformWithin(bound, conv.weight(), "Conv2d weight");
        assertUniformWithin(bound, conv.bias(), "Conv2d bias");
    }

    @Test void recurrentDefaultIsUniformOneOverSqrtHidden() {
        GRU gru = new GRU(5, 16, 2);
        gru.parameters().forEach(p -> assertUniformWithin(0.25, p, "GRU"));
    }

    @Test void embeddingDefaultIsStandardNormal() {
        double[] w = new Embedding(100, 64).weight().toDoubleArray();
        assertEquals(1.0, std(w), 0.05);
    }

    @Test void layerNormStartsAtOnesAndZeros() {
        LayerNorm ln = new LayerNorm(3);
        assertArrayEquals(new float[]{1, 1, 1}, ln.weight().toFloatArray());
        assertArrayEquals(new float[]{0, 0, 0}, ln.bias().toFloatArray());
    }

    @Test void attentionProjectionsUsePackedXavierAndZeroBiases() {
        MultiHeadAttention mha = new MultiHeadAttention(64, 4);
        double bound = Math.sqrt(6.0 / (64 + 3 * 64));
        assertUniformWithin(bound, mha.qProj().weight(), "q_proj");
        assertUniformWithin(bound, mha.vProj().weight(), "v_proj");
        assertArrayEquals(new float[64], mha.kProj().bias().toFloatArray());
        assertArrayEquals(new float[64], mha.outProj().bias().toFloatArray());
    }

    @Test void theSameSeedGivesTheSameWeights() {
        Linear a = new Linear(3, 3);
        Linear b = new Linear(3, 3);
        a.resetParameters(new Generator(9));
        b.resetParameters(new Generator(9));
        assertArrayEquals(a.weight().toFloatArray(), b.weight().toFloatArray());
    }
}

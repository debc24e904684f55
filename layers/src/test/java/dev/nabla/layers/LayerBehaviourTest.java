package dev.nabla.layers;

import dev.nabla.layers.activation.Tanh;
import dev.nabla.layers.attention.LearnedPositionalEmbedding;
import dev.nabla.layers.attention.MultiHeadAttention;
import dev.nabla.layers.attention.PositionalEncoding;
import dev.nabla.layers.attention.TransformerEncoderLayer;
import dev.nabla.layers.attention.TransformerOptions;
import dev.nabla.layers.conv.GlobalAvgPool2d;
import dev.nabla.layers.loss.CrossEntropyLoss;
import dev.nabla.layers.norm.BatchNorm2d;
import dev.nabla.layers.recurrent.GRU;
import dev.nabla.layers.recurrent.LSTM;
import dev.nabla.layers.recurrent.RecurrentOutput;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.nn.Reduction;
import dev.nabla.runtime.random.Generator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour of layers that PyTorch has no module for, the flags of others, and bad input. */
class LayerBehaviourTest {
    private static <M extends Module> M f64(M m) {
        m.resetParameters(new Generator(3));
        m.to(DType.FLOAT64);
        return m;
    }

    @Test void sinusoidalTableMatchesTheFormula() {
        PositionalEncoding pe = new PositionalEncoding(6, 10, 0.0);
        double[] t = pe.table(4).toDoubleArray();
        for (int pos = 0; pos < 4; pos++) {
            for (int i = 0; i < 3; i++) {
                double angle = pos / Math.pow(10000, 2.0 * i / 6);
                org.junit.jupiter.api.Assertions.assertEquals(Math.sin(angle), t[pos * 6 + 2 * i], 1e-6);
                org.junit.jupiter.api.Assertions.assertEquals(Math.cos(angle), t[pos * 6 + 2 * i + 1], 1e-6);
            }
        }
    }

    @Test void positionalEncodingAddsTheTableAndIsNotSaved() {
        PositionalEncoding pe = new PositionalEncoding(4, 8, 0.1);
        pe.eval();
        Tensor x = Tensor.zeros(Shape.of(2, 3, 4), DType.FLOAT32);
        float[] y = pe.call(x).toFloatArray();
        assertArrayEquals(pe.table(3).toFloatArray(), java.util.Arrays.copyOfRange(y, 12, 24));
        assertTrue(pe.stateDict().isEmpty());
        assertTrue(pe.namedBuffers().containsKey("pe"));
    }

    @Test void learnedPositionsReceiveGradientsOnlyForUsedRows() {
        LearnedPositionalEmbedding pos = f64(new LearnedPositionalEmbedding(5, 2));
        pos.call(TestTensors.randomDouble(1, 3, 2, 2)).sum().backward();
        assertArrayEquals(new double[]{3, 3, 3, 3, 0, 0, 0, 0, 0, 0}, pos.weight().grad().toDoubleArray());
    }

    @Test void residualAddsTheInput() {
        Residual r = new Residual(new Tanh());
        Tensor x = TestTensors.randomDouble(2, 3, 4);
        double[] y = r.call(x).toDoubleArray();
        double[] xv = x.toDoubleArray();
        for (int i = 0; i < y.length; i++) org.junit.jupiter.api.Assertions.assertEquals(xv[i] + Math.tanh(xv[i]), y[i], 1e-12);
    }

    @Test void residualRejectsAShapeChangingBranch() {
        Residual r = new Residual(new Linear(4, 2));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> r.call(Tensor.zeros(3, 4)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[3, 2]"), e.getMessage());
    }

    @Test void globalAvgPoolCanKeepSpatialAxes() {
        TestTensors.assertShape(new GlobalAvgPool2d(true).call(Tensor.zeros(2, 3, 4, 5)), 2, 3, 1, 1);
    }

    @Test void selfAttentionShortcutEqualsExplicitForward() {
        MultiHeadAttention mha = f64(new MultiHeadAttention(4, 2));
        Tensor x = TestTensors.randomDouble(5, 2, 3, 4);
        assertArrayEquals(mha.forward(x, x, x, null, false).toDoubleArray(), mha.call(x).toDoubleArray());
    }

    @Test void causalEncoderOutputsDoNotDependOnLaterTokens() {
        TransformerEncoderLayer layer = f64(new TransformerEncoderLayer(4, 2, new TransformerOptions(8, 0.0,
                TransformerOptions.Activation.RELU, true, 1e-5)));
        double[] x = TestTensors.randomDouble(6, 1, 3, 4).toDoubleArray();
        double[] a = layer.forward(Tensor.of(x, 1, 3, 4), null, true).toDoubleArray();
        x[11] += 1.0; // last token
        double[] b = layer.forward(Tensor.of(x, 1, 3, 4), null, true).toDoubleArray();
        assertArrayEquals(java.util.Arrays.copyOf(a, 8), java.util.Arrays.copyOf(b, 8));
        assertTrue(a[11] != b[11]);
    }

    @Test void keyPaddingHidesPaddedKeys() {
        MultiHeadAttention mha = f64(new MultiHeadAttention(4, 1));
        double[] x = TestTensors.randomDouble(8, 1, 3, 4).toDoubleArray();
        Tensor pad = Tensor.of(new long[]{0, 0, 1}, 1, 3);
        double[] a = mha.forward(Tensor.of(x, 1, 3, 4), pad, false).toDoubleArray();
        x[10] -= 2.0; // the padded key/value
        double[] b = mha.forward(Tensor.of(x, 1, 3, 4), pad, false).toDoubleArray();
        assertArrayEquals(java.util.Arrays.copyOf(a, 8), java.util.Arrays.copyOf(b, 8));
    }

    @Test void lstmReturnsSequenceAndFinalStatesOfEveryLayer() {
        RecurrentOutput r = new LSTM(3, 5, 2).forwardWithState(Tensor.zeros(4, 6, 3));
        TestTensors.assertShape(r.output(), 4, 6, 5);
        TestTensors.assertShape(r.hidden(), 2, 4, 5);
        TestTensors.assertShape(r.cell(), 2, 4, 5);
    }

    @Test void lastOutputStepIsTheFinalHiddenStateOfTheTopLayer() {
        GRU gru = f64(new GRU(2, 3, 2));
        RecurrentOutput r = gru.forwardWithState(TestTensors.randomDouble(4, 2, 5, 2));
        assertArrayEquals(r.output().narrow(1, 4, 1).reshape(2, 3).toDoubleArray(),
                r.hidden().narrow(0, 1, 1).reshape(2, 3).toDoubleArray());
    }

    @Test void aWronglyShapedInitialStateIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new GRU(2, 3, 2).forwardWithState(Tensor.zeros(4, 5, 2), Tensor.zeros(1, 4, 3), null));
        assertTrue(e.getMessage().contains("[2, 4, 3]") && e.getMessage().contains("[1, 4, 3]"), e.getMessage());
    }

    @Test void aWrongInputWidthNamesTheLayerAndShape() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> new Linear(4, 2).call(Tensor.zeros(3, 5)));
        assertTrue(e.getMessage().contains("Linear") && e.getMessage().contains("[3, 5]"), e.getMessage());
        e = assertThrows(ShapeMismatchException.class, () -> new BatchNorm2d(3).call(Tensor.zeros(2, 4, 2, 2)));
        assertTrue(e.getMessage().contains("BatchNorm2d") && e.getMessage().contains("[2, 4, 2, 2]"), e.getMessage());
    }

    @Test void badHyperparametersAreRejected() {
        assertThrows(InvalidArgumentException.class, () -> new Dropout(1.0));
        assertThrows(InvalidArgumentException.class, () -> new MultiHeadAttention(6, 4));
        assertThrows(InvalidArgumentException.class, () -> new CrossEntropyLoss(Reduction.MEAN, -100, 1.5));
        assertThrows(InvalidArgumentException.class, () -> new dev.nabla.layers.conv.Conv2d(3, 4, new int[]{3, 3},
                new int[]{1, 1}, new int[]{0, 0}, new int[]{1, 1}, 2, true));
    }
}

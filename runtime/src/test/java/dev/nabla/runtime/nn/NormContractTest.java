package dev.nabla.runtime.nn;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.SecondOrderCheck;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layer norm and batch norm: PyTorch fixtures, running statistics, gradients and bad input. */
class NormContractTest {
    private static final Fixtures LN = Fixtures.load("norm/layer_norm.txt");
    private static final Fixtures BN = Fixtures.load("norm/batch_norm.txt");
    private static final double EPS = 1e-5;

    static Stream<Arguments> devicesAndDTypes() {
        return TestDevices.all().flatMap(d -> Stream.of(Arguments.of(d, DType.FLOAT64), Arguments.of(d, DType.FLOAT32)));
    }

    private static double atol(DType t) { return t == DType.FLOAT64 ? 1e-10 : 1e-4; }

    private static double rtol(DType t) { return t == DType.FLOAT64 ? 1e-9 : 1e-3; }

    private static Tensor leaf(Fixtures f, String name, DType dt, Device dev) {
        return f.get(name).tensor(dt, dev).requiresGrad(true);
    }

    // ---------------------------------------------------------------- layer norm

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void affineLayerNormMatchesPyTorch(Device dev, DType dt) {
        Tensor x = leaf(LN, "affine_x", dt, dev), w = leaf(LN, "affine_w", dt, dev), b = leaf(LN, "affine_b", dt, dev);
        Tensor y = NormOps.layerNorm(x, new int[]{4}, w, b, EPS);
        assertClose(LN.get("affine_y").values(), y, atol(dt), rtol(dt), "y");
        y.backward(LN.get("affine_g").tensor(dt, dev));
        assertClose(LN.get("affine_dx").values(), x.grad(), atol(dt), rtol(dt), "dx");
        assertClose(LN.get("affine_dw").values(), w.grad(), atol(dt), rtol(dt), "dweight");
        assertClose(LN.get("affine_db").values(), b.grad(), atol(dt), rtol(dt), "dbias");
    }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void layerNormWithoutAffineOverTwoTrailingDimsMatchesPyTorch(Device dev, DType dt) {
        Tensor x = leaf(LN, "plain_x", dt, dev);
        Tensor y = NormOps.layerNorm(x, new int[]{3, 4}, null, null, EPS);
        assertClose(LN.get("plain_y").values(), y, atol(dt), rtol(dt), "y");
        y.backward(LN.get("plain_g").tensor(dt, dev));
        assertClose(LN.get("plain_dx").values(), x.grad(), atol(dt), rtol(dt), "dx");
    }

    @Test
    void float32LayerNormKeepsPrecisionWithALargeMean() {
        double[] v = new double[64];
        for (int i = 0; i < v.length; i++) v[i] = 10_000 + 0.01 * ((i * 37) % 17);
        Tensor x = Tensor.of(v, Shape.of(2, 32), DType.FLOAT32, Device.CPU);
        double[] y = NormOps.layerNorm(x, new int[]{32}, null, null, 0).toDoubleArray();
        double[] xf = x.toDoubleArray(); // the float32-rounded input, normalised in float64 below
        double[] ref = new double[64];
        for (int r = 0; r < 2; r++) {
            double mu = 0, var = 0;
            for (int k = 0; k < 32; k++) mu += xf[r * 32 + k] / 32;
            for (int k = 0; k < 32; k++) var += (xf[r * 32 + k] - mu) * (xf[r * 32 + k] - mu) / 32;
            for (int k = 0; k < 32; k++) ref[r * 32 + k] = (xf[r * 32 + k] - mu) / Math.sqrt(var);
        }
        assertClose(ref, y, 1e-4, 1e-4, "layer_norm of 1e4 + small noise");
    }

    /**
     * The float32 layer-norm path (its own kernel) against the float64 one on the same float32-rounded values,
     * for widths around its 4-way unrolling and 16-column gradient blocks, with and without the affine terms.
     */
    @ParameterizedTest @ValueSource(ints = {1, 3, 4, 5, 16, 17, 33, 130})
    void float32LayerNormForwardAndBackwardAgreeWithFloat64(int cols) {
        for (int affine = 0; affine < 4; affine++) {
            boolean hasW = (affine & 1) != 0, hasB = (affine & 2) != 0;
            Tensor x32 = TestTensors.random(11 + cols, DType.FLOAT32, Device.CPU, 7, cols).requiresGrad(true);
            Tensor w32 = hasW ? TestTensors.random(12, DType.FLOAT32, Device.CPU, cols).requiresGrad(true) : null;
            Tensor b32 = hasB ? TestTensors.random(13, DType.FLOAT32, Device.CPU, cols).requiresGrad(true) : null;
            Tensor g32 = TestTensors.random(14, DType.FLOAT32, Device.CPU, 7, cols);
            Tensor x64 = x32.detach().to(DType.FLOAT64).requiresGrad(true);
            Tensor w64 = hasW ? w32.detach().to(DType.FLOAT64).requiresGrad(true) : null;
            Tensor b64 = hasB ? b32.detach().to(DType.FLOAT64).requiresGrad(true) : null;
            Tensor y32 = NormOps.layerNorm(x32, new int[]{cols}, w32, b32, EPS);
            Tensor y64 = NormOps.layerNorm(x64, new int[]{cols}, w64, b64, EPS);
            String what = "cols " + cols + (hasW ? " weight" : "") + (hasB ? " bias" : "");
            assertClose(y64.toDoubleArray(), y32, 2e-6, 2e-6, "y, " + what);
            y32.backward(g32);
            y64.backward(g32.to(DType.FLOAT64));
            assertClose(x64.grad().toDoubleArray(), x32.grad(), 2e-5, 2e-5, "dx, " + what);
            if (hasW) assertClose(w64.grad().toDoubleArray(), w32.grad(), 2e-5, 2e-5, "dweight, " + what);
            if (hasB) assertClose(b64.grad().toDoubleArray(), b32.grad(), 2e-6, 2e-6, "dbias, " + what);
        }
    }

    @Test
    void layerNormGradientMatchesFiniteDifferencesForInputWeightAndBias() {
        Tensor x = TestTensors.randomDouble(1, 2, 3, 5).requiresGrad(true);
        Tensor w = TestTensors.randomDouble(2, 5).requiresGrad(true);
        Tensor b = TestTensors.randomDouble(3, 5).requiresGrad(true);
        GradCheck.check("layer_norm", in -> NormOps.layerNorm(in[0], new int[]{5}, in[1], in[2], EPS), x, w, b);
    }

    @Test
    void layerNormDoubleBackwardMatchesFiniteDifferences() {
        Tensor x = TestTensors.randomDouble(4, 3, 4).requiresGrad(true);
        Tensor w = TestTensors.randomDouble(5, 4).requiresGrad(true);
        Tensor b = TestTensors.randomDouble(7, 4).requiresGrad(true);
        Tensor v = TestTensors.randomDouble(6, 3, 4);
        SecondOrderCheck.check("layer_norm", in -> NormOps.layerNorm(in[0], new int[]{4}, in[1], in[2], EPS), v, x, w, b);
    }

    @Test
    void normalizedShapeThatIsNotTheTrailingDimsIsRejected() {
        Tensor x = Tensor.zeros(2, 3, 4);
        var e = assertThrows(ShapeMismatchException.class, () -> NormOps.layerNorm(x, new int[]{3}, null, null, EPS));
        assertTrue(e.getMessage().contains("layer_norm") && e.getMessage().contains("[3]")
                && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
    }

    @Test
    void layerNormWeightOfTheWrongShapeIsRejected() {
        Tensor x = Tensor.zeros(2, 4);
        var e = assertThrows(ShapeMismatchException.class,
                () -> NormOps.layerNorm(x, new int[]{4}, Tensor.ones(5), null, EPS));
        assertTrue(e.getMessage().contains("layer_norm") && e.getMessage().contains("weight")
                && e.getMessage().contains("[5]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void layerNormWeightOfAnotherDTypeIsRejected() {
        Tensor x = Tensor.zeros(Shape.of(2, 4), DType.FLOAT64);
        var e = assertThrows(DTypeMismatchException.class, () -> NormOps.layerNorm(x, new int[]{4}, Tensor.ones(4), null, EPS));
        assertTrue(e.getMessage().contains("layer_norm"), e.getMessage());
    }

    @Test
    void emptyNormalizedShapeIsRejected() {
        var e = assertThrows(InvalidArgumentException.class, () -> NormOps.layerNorm(Tensor.zeros(2, 4), new int[0], null, null, EPS));
        assertTrue(e.getMessage().contains("layer_norm"), e.getMessage());
    }

    // ---------------------------------------------------------------- batch norm

    private static void checkTraining(String tag, int[] dims, Device dev, DType dt) {
        Tensor x = leaf(BN, tag + "_x", dt, dev), w = leaf(BN, tag + "_w", dt, dev), b = leaf(BN, tag + "_b", dt, dev);
        Tensor rm = BN.get(tag + "_rm0").tensor(dt, dev), rv = BN.get(tag + "_rv0").tensor(dt, dev);
        Tensor y = NormOps.batchNorm(x, rm, rv, w, b, true, 0.1, EPS);
        assertArrayEquals(dims, y.dims());
        assertClose(BN.get(tag + "_y").values(), y, atol(dt), rtol(dt), tag + " y");
        assertClose(BN.get(tag + "_rm1").values(), rm, atol(dt), rtol(dt), tag + " running mean");
        assertClose(BN.get(tag + "_rv1").values(), rv, atol(dt), rtol(dt), tag + " running var (unbiased)");
        y.backward(BN.get(tag + "_g").tensor(dt, dev));
        assertClose(BN.get(tag + "_dx").values(), x.grad(), atol(dt), rtol(dt), tag + " dx");
        assertClose(BN.get(tag + "_dw").values(), w.grad(), atol(dt), rtol(dt), tag + " dweight");
        assertClose(BN.get(tag + "_db").values(), b.grad(), atol(dt), rtol(dt), tag + " dbias");
    }

    private static void checkEvaluation(String tag, Device dev, DType dt) {
        Tensor x = leaf(BN, tag + "_x", dt, dev), w = leaf(BN, tag + "_w", dt, dev), b = leaf(BN, tag + "_b", dt, dev);
        Tensor rm = BN.get(tag + "_rm0").tensor(dt, dev), rv = BN.get(tag + "_rv0").tensor(dt, dev);
        double[] rmBefore = rm.toDoubleArray(), rvBefore = rv.toDoubleArray();
        Tensor y = NormOps.batchNorm(x, rm, rv, w, b, false, 0.1, EPS);
        assertClose(BN.get(tag + "_eval_y").values(), y, atol(dt), rtol(dt), tag + " eval y");
        assertArrayEquals(rmBefore, rm.toDoubleArray(), tag + " running mean untouched in eval");
        assertArrayEquals(rvBefore, rv.toDoubleArray(), tag + " running var untouched in eval");
        y.backward(BN.get(tag + "_g").tensor(dt, dev));
        assertClose(BN.get(tag + "_eval_dx").values(), x.grad(), atol(dt), rtol(dt), tag + " eval dx");
        assertClose(BN.get(tag + "_eval_dw").values(), w.grad(), atol(dt), rtol(dt), tag + " eval dweight");
        assertClose(BN.get(tag + "_eval_db").values(), b.grad(), atol(dt), rtol(dt), tag + " eval dbias");
    }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void trainingBatchNormOn2DInputMatchesPyTorchIncludingRunningStats(Device dev, DType dt) {
        checkTraining("2d", new int[]{5, 3}, dev, dt);
    }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void trainingBatchNormOn4DInputMatchesPyTorchIncludingRunningStats(Device dev, DType dt) {
        checkTraining("4d", new int[]{2, 3, 2, 2}, dev, dt);
    }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void evaluationBatchNormOn2DInputMatchesPyTorch(Device dev, DType dt) { checkEvaluation("2d", dev, dt); }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void evaluationBatchNormOn4DInputMatchesPyTorch(Device dev, DType dt) { checkEvaluation("4d", dev, dt); }

    @Test
    void trainingAndEvaluationGiveDifferentOutputsForTheSameInput() {
        Tensor x = BN.get("4d_x").tensor(DType.FLOAT64, Device.CPU);
        Tensor rm = BN.get("4d_rm0").tensor(DType.FLOAT64, Device.CPU), rv = BN.get("4d_rv0").tensor(DType.FLOAT64, Device.CPU);
        double[] train = NormOps.batchNorm(x, null, null, null, null, true, 0.1, EPS).toDoubleArray();
        double[] eval = NormOps.batchNorm(x, rm, rv, null, null, false, 0.1, EPS).toDoubleArray();
        assertFalse(Arrays.equals(train, eval));
        // training output is normalised per channel: mean 0 over n and spatial
        double s = 0;
        for (int n = 0; n < 2; n++) for (int k = 0; k < 4; k++) s += train[(n * 3) * 4 + k];
        assertTrue(Math.abs(s) < 1e-12, "channel 0 mean " + s);
    }

    @Test
    void trainingWithoutRunningStatsStillNormalises() {
        Tensor x = BN.get("2d_x").tensor(DType.FLOAT64, Device.CPU);
        Tensor w = BN.get("2d_w").tensor(DType.FLOAT64, Device.CPU), b = BN.get("2d_b").tensor(DType.FLOAT64, Device.CPU);
        assertClose(BN.get("2d_y").values(), NormOps.batchNorm(x, null, null, w, b, true, 0.1, EPS), 1e-10, 1e-9, "y");
    }

    @ParameterizedTest @ValueSource(booleans = {true, false})
    void batchNormGradientMatchesFiniteDifferencesForInputWeightAndBias(boolean training) {
        Tensor x = TestTensors.randomDouble(7, 3, 2, 2).requiresGrad(true);
        Tensor w = TestTensors.randomDouble(8, 2).requiresGrad(true);
        Tensor b = TestTensors.randomDouble(9, 2).requiresGrad(true);
        Tensor rm = Tensor.of(new double[]{0.1, -0.2}, 2), rv = Tensor.of(new double[]{0.8, 1.3}, 2);
        // momentum 0 keeps the running statistics fixed across the finite-difference evaluations
        GradCheck.check("batch_norm training=" + training,
                in -> NormOps.batchNorm(in[0], rm, rv, in[1], in[2], training, 0.0, EPS), x, w, b);
    }

    @ParameterizedTest @ValueSource(booleans = {true, false})
    void batchNormDoubleBackwardMatchesFiniteDifferences(boolean training) {
        Tensor x = TestTensors.randomDouble(10, 4, 2, 3).requiresGrad(true);
        Tensor w = TestTensors.randomDouble(11, 2).requiresGrad(true);
        Tensor b = TestTensors.randomDouble(13, 2).requiresGrad(true);
        Tensor v = TestTensors.randomDouble(12, 4, 2, 3);
        Tensor rm = Tensor.of(new double[]{0.1, -0.2}, 2), rv = Tensor.of(new double[]{0.8, 1.3}, 2);
        SecondOrderCheck.check("batch_norm training=" + training,
                in -> NormOps.batchNorm(in[0], rm, rv, in[1], in[2], training, 0.0, EPS), v, x, w, b);
    }

    @Test
    void oneValuePerChannelIsRejectedInTraining() {
        var e = assertThrows(InvalidArgumentException.class,
                () -> NormOps.batchNorm(Tensor.zeros(1, 3), null, null, null, null, true, 0.1, EPS));
        assertTrue(e.getMessage().contains("batch_norm") && e.getMessage().contains("more than 1 value per channel")
                && e.getMessage().contains("[1, 3]"), e.getMessage());
    }

    @Test
    void oneValuePerChannelIsAcceptedInEvaluation() {
        Tensor y = NormOps.batchNorm(Tensor.zeros(1, 3), Tensor.zeros(3), Tensor.ones(3), null, null, false, 0.1, EPS);
        TestTensors.assertShape(y, 1, 3);
    }

    @Test
    void evaluationWithoutRunningStatsIsRejected() {
        var e = assertThrows(InvalidArgumentException.class,
                () -> NormOps.batchNorm(Tensor.zeros(4, 3), null, null, null, null, false, 0.1, EPS));
        assertTrue(e.getMessage().contains("batch_norm") && e.getMessage().contains("[4, 3]"), e.getMessage());
    }

    @Test
    void oneDimensionalInputIsRejected() {
        var e = assertThrows(ShapeMismatchException.class,
                () -> NormOps.batchNorm(Tensor.zeros(4), null, null, null, null, true, 0.1, EPS));
        assertTrue(e.getMessage().contains("batch_norm") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void runningStatsOfTheWrongShapeAreRejected() {
        var e = assertThrows(ShapeMismatchException.class,
                () -> NormOps.batchNorm(Tensor.zeros(4, 3), Tensor.zeros(2), Tensor.ones(2), null, null, true, 0.1, EPS));
        assertTrue(e.getMessage().contains("batch_norm") && e.getMessage().contains("runningMean")
                && e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void noGradientGraphIsRecordedWhenNothingRequiresGrad() {
        Tensor y = NormOps.batchNorm(Tensor.ones(4, 3), null, null, null, null, true, 0.1, EPS);
        assertNull(y.gradFnName());
        assertNull(NormOps.layerNorm(Tensor.ones(4, 3), new int[]{3}, null, null, EPS).gradFnName());
    }
}

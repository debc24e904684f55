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
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Losses: PyTorch fixtures, gradients and bad input. */
class LossContractTest {
    private static final Fixtures CE = Fixtures.load("loss/cross_entropy.txt");
    private static final Fixtures LS = Fixtures.load("loss/losses.txt");

    static Stream<Arguments> devicesAndDTypes() {
        return TestDevices.all().flatMap(d -> Stream.of(Arguments.of(d, DType.FLOAT64), Arguments.of(d, DType.FLOAT32)));
    }

    private static double atol(DType t) { return t == DType.FLOAT64 ? 1e-10 : 1e-5; }

    private static double rtol(DType t) { return t == DType.FLOAT64 ? 1e-9 : 1e-4; }

    private static Reduction reduction(String name) { return Reduction.valueOf(name.toUpperCase()); }

    // ---------------------------------------------------------------- cross-entropy (fused)

    private static void checkCrossEntropy(String tag, String x, String labels, String red, double smoothing, Device dev, DType dt) {
        Tensor logits = CE.get(x).tensor(dt, dev).requiresGrad(true);
        Tensor lab = CE.get(labels).tensor(DType.INT64, dev);
        Tensor loss = LossOps.crossEntropy(logits, lab, reduction(red), -100, smoothing);
        assertClose(CE.get(tag + "_loss").values(), loss, atol(dt), rtol(dt), tag + " loss");
        TestTensors.assertShape(loss, CE.get(tag + "_loss").shape());
        loss.backward(CE.get(tag + "_g").tensor(dt, dev));
        assertClose(CE.get(tag + "_dx").values(), logits.grad(), atol(dt), rtol(dt), tag + " dlogits");
    }

    /**
     * float32 runs its own row kernels (rows padded to whole vectors, float exp and sums): on wide rows whose
     * length is no multiple of the vector width, with large logits, label smoothing and an ignored row, it
     * agrees with the float64 path to float accuracy; a NaN logit makes only its own row NaN.
     */
    @ParameterizedTest @MethodSource("dev.nabla.runtime.TestDevices#all")
    void crossEntropyFloat32AgreesWithFloat64OnWideRows(Device dev) {
        int n = 133, c = 1001;
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        double[] x = new double[n * c];
        long[] labels = new long[n];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble(-8, 8) + (i % c == 7 ? 60 : 0));
        for (int i = 0; i < n; i++) labels[i] = i == 3 ? -100 : r.nextInt(c);
        for (double smoothing : new double[]{0, 0.1}) {
            Tensor x64 = Tensor.of(x, Shape.of(n, c), DType.FLOAT64, dev).requiresGrad(true);
            Tensor x32 = Tensor.of(x, Shape.of(n, c), DType.FLOAT64, dev).to(DType.FLOAT32).detach().requiresGrad(true);
            Tensor lab = Tensor.of(labels, Shape.of(n), DType.INT64, dev);
            Tensor l64 = LossOps.crossEntropy(x64, lab, Reduction.NONE, -100, smoothing);
            Tensor l32 = LossOps.crossEntropy(x32, lab, Reduction.NONE, -100, smoothing);
            assertClose(l64.toDoubleArray(), l32, 2e-5, 1e-5, "loss, smoothing " + smoothing);
            Tensor g = Tensor.of(new double[n], Shape.of(n), DType.FLOAT64, dev).add(0.5);
            l64.backward(g);
            l32.backward(g.to(DType.FLOAT32));
            assertClose(x64.grad().toDoubleArray(), x32.grad(), 1e-7, 1e-5, "dlogits, smoothing " + smoothing);
        }
        x[5 * c + 11] = Double.NaN;
        Tensor l = LossOps.crossEntropy(Tensor.of(x, Shape.of(n, c), DType.FLOAT64, dev).to(DType.FLOAT32),
                Tensor.of(labels, Shape.of(n), DType.INT64, dev), Reduction.NONE, -100, 0);
        float[] lv = l.toFloatArray();
        for (int i = 0; i < n; i++) assertEquals(i == 5, Float.isNaN(lv[i]), "row " + i + " loss " + lv[i]);
    }

    /**
     * The logits' gradient is written whole, ignored rows as zeros, also when its buffer is a reused one: here
     * the CPU backend's pool hands back the NaN-filled buffer just released, of the same dtype and size.
     */
    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void crossEntropyGradientOfIgnoredRowsIsZeroInAReusedBuffer(Device dev, DType dt) {
        int n = 37, c = 11;
        double[] x = new double[n * c], nan = new double[n * c];
        long[] labels = new long[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble(-3, 3);
        java.util.Arrays.fill(nan, Double.NaN);
        for (int i = 0; i < n; i++) labels[i] = i % 5 == 2 ? -100 : r.nextInt(c);
        Tensor logits = Tensor.of(x, Shape.of(n, c), DType.FLOAT64, dev).to(dt).detach().requiresGrad(true);
        Tensor lab = Tensor.of(labels, Shape.of(n), DType.INT64, dev);
        Tensor loss = LossOps.crossEntropy(logits, lab, Reduction.SUM, -100, 0.1);
        Tensor.of(nan, Shape.of(n, c), DType.FLOAT64, dev).to(dt).close();
        loss.backward();
        double[] g = logits.grad().toDoubleArray();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                double v = g[i * c + j];
                if (labels[i] == -100) assertEquals(0.0, v, "ignored row " + i + ", column " + j);
                else assertTrue(Double.isFinite(v) && v != 0, "row " + i + ", column " + j + ": " + v);
            }
        }
    }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void crossEntropyMeanMatchesPyTorch(Device dev, DType dt) { checkCrossEntropy("mean", "x", "labels", "mean", 0, dev, dt); }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void crossEntropySumMatchesPyTorch(Device dev, DType dt) { checkCrossEntropy("sum", "x", "labels", "sum", 0, dev, dt); }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void crossEntropyWithoutReductionMatchesPyTorch(Device dev, DType dt) { checkCrossEntropy("none", "x", "labels", "none", 0, dev, dt); }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void crossEntropyMeanSkipsIgnoredRows(Device dev, DType dt) { checkCrossEntropy("ignore", "x", "labels_ign", "mean", 0, dev, dt); }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void crossEntropyWithLabelSmoothingMatchesPyTorch(Device dev, DType dt) { checkCrossEntropy("smooth", "x", "labels", "mean", 0.1, dev, dt); }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void crossEntropyWithLabelSmoothingAndIgnoredRowsMatchesPyTorch(Device dev, DType dt) {
        checkCrossEntropy("smooth_ignore", "x", "labels_ign", "mean", 0.1, dev, dt);
        checkCrossEntropy("smooth_none", "x", "labels_ign", "none", 0.1, dev, dt);
    }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void crossEntropyOn3DLogitsMovesTheClassAxis(Device dev, DType dt) {
        checkCrossEntropy("x3_mean", "x3", "labels3", "mean", 0.1, dev, dt);
        checkCrossEntropy("x3_none", "x3", "labels3", "none", 0.1, dev, dt);
    }

    @Test
    void int32LabelsGiveTheSameLossAsInt64() {
        Tensor logits = CE.get("x").tensor(DType.FLOAT64, Device.CPU);
        double a = LossOps.crossEntropy(logits, CE.get("labels").tensor(DType.INT32, Device.CPU), Reduction.MEAN, -100, 0).item();
        double b = LossOps.crossEntropy(logits, CE.get("labels").tensor(DType.INT64, Device.CPU), Reduction.MEAN, -100, 0).item();
        assertEquals(b, a, 0.0);
    }

    @Test
    void meanOverOnlyIgnoredRowsIsNaNAsInPyTorch() {
        Tensor logits = Tensor.zeros(2, 3);
        assertTrue(Double.isNaN(LossOps.crossEntropy(logits, Tensor.of(new long[]{-1, -1}, 2), Reduction.MEAN, -1, 0).item()));
    }

    @Test
    void hugeLogitsGiveAFiniteFloat32Loss() {
        Tensor logits = Tensor.of(new float[]{1e4f, -1e4f, 0f, 0f, 3e4f, 1e4f}, 2, 3);
        double loss = LossOps.crossEntropy(logits, Tensor.of(new long[]{1, 2}, 2), Reduction.SUM, -100, 0).item();
        assertEquals(2e4 + 2e4, loss, 1.0);
    }

    @ParameterizedTest @EnumSource(Reduction.class)
    void crossEntropyGradientMatchesFiniteDifferences(Reduction red) {
        Tensor logits = TestTensors.randomDouble(21, 5, 4).requiresGrad(true);
        Tensor labels = Tensor.of(new long[]{3, -100, 0, 1, 3}, 5);
        GradCheck.check("cross_entropy " + red, in -> LossOps.crossEntropy(in[0], labels, red, -100, 0.2), logits);
    }

    @Test
    void crossEntropyOn3DLogitsGradientMatchesFiniteDifferences() {
        Tensor logits = TestTensors.randomDouble(22, 2, 3, 2, 2).requiresGrad(true);
        Tensor labels = Tensor.of(new long[]{0, 2, 1, 1, 2, 0, -100, 1}, 2, 2, 2);
        GradCheck.check("cross_entropy 4-D", in -> LossOps.crossEntropy(in[0], labels, Reduction.NONE, -100, 0.1), logits);
    }

    @Test
    void crossEntropyDoubleBackwardMatchesFiniteDifferences() {
        Tensor logits = TestTensors.randomDouble(23, 3, 4).requiresGrad(true);
        Tensor labels = Tensor.of(new long[]{1, -100, 0}, 3);
        SecondOrderCheck.check("cross_entropy", in -> LossOps.crossEntropy(in[0], labels, Reduction.MEAN, -100, 0.1),
                Tensor.scalar(0.7, DType.FLOAT64, Device.CPU), logits);
        Tensor v = TestTensors.randomDouble(24, 3);
        SecondOrderCheck.check("cross_entropy none", in -> LossOps.crossEntropy(in[0], labels, Reduction.NONE, -100, 0.1), v, logits);
    }

    @Test
    void labelOutOfRangeNamesOpLabelAndClassCount() {
        Tensor logits = Tensor.zeros(3, 5);
        var e = assertThrows(InvalidArgumentException.class,
                () -> LossOps.crossEntropy(logits, Tensor.of(new long[]{0, 7, 1}, 3), Reduction.MEAN, -100, 0));
        assertTrue(e.getMessage().contains("cross_entropy") && e.getMessage().contains("label 7")
                && e.getMessage().contains("c = 5"), e.getMessage());
    }

    @Test
    void negativeLabelThatIsNotTheIgnoreIndexIsRejected() {
        var e = assertThrows(InvalidArgumentException.class,
                () -> LossOps.crossEntropy(Tensor.zeros(2, 5), Tensor.of(new int[]{-1, 0}, 2), Reduction.MEAN, -100, 0));
        assertTrue(e.getMessage().contains("cross_entropy") && e.getMessage().contains("label -1"), e.getMessage());
    }

    @Test
    void floatLabelsAreRejected() {
        var e = assertThrows(DTypeMismatchException.class,
                () -> LossOps.crossEntropy(Tensor.zeros(2, 5), Tensor.zeros(2), Reduction.MEAN, -100, 0));
        assertTrue(e.getMessage().contains("cross_entropy") && e.getMessage().contains("FLOAT32"), e.getMessage());
    }

    @Test
    void floatLabelsHoldingNaNAreRejectedByCrossEntropyNamingBothShapes() {
        Tensor labels = Tensor.of(new float[]{1, Float.NaN, 0}, 3);
        var e = assertThrows(DTypeMismatchException.class,
                () -> LossOps.crossEntropy(Tensor.zeros(3, 4), labels, Reduction.MEAN, -100, 0.1));
        assertTrue(e.getMessage().contains("cross_entropy") && e.getMessage().contains("NaN")
                && e.getMessage().contains("[3]") && e.getMessage().contains("[3, 4]"), e.getMessage());
    }

    @Test
    void floatLabelsHoldingNaNAreRejectedByNllLossNamingBothShapes() {
        Tensor labels = Tensor.of(new double[]{Double.NaN, 2}, 2);
        var e = assertThrows(DTypeMismatchException.class,
                () -> LossOps.nllLoss(Tensor.zeros(Shape.of(2, 3), DType.FLOAT64), labels, Reduction.SUM, -100));
        assertTrue(e.getMessage().contains("nll_loss") && e.getMessage().contains("NaN")
                && e.getMessage().contains("[2]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void l1AndBceWithDifferentShapesAreRejected() {
        var l1 = assertThrows(ShapeMismatchException.class,
                () -> LossOps.l1Loss(Tensor.zeros(2, 3), Tensor.zeros(2, 1), Reduction.SUM));
        assertTrue(l1.getMessage().contains("l1_loss") && l1.getMessage().contains("[2, 1]"), l1.getMessage());
        var bce = assertThrows(ShapeMismatchException.class,
                () -> LossOps.bceWithLogits(Tensor.zeros(2, 3), Tensor.zeros(3), null, Reduction.MEAN));
        assertTrue(bce.getMessage().contains("binary_cross_entropy_with_logits") && bce.getMessage().contains("[3]"), bce.getMessage());
    }

    @Test
    void mseOfMixedDTypesIsRejected() {
        var e = assertThrows(DTypeMismatchException.class,
                () -> LossOps.mseLoss(Tensor.zeros(2), Tensor.zeros(Shape.of(2), DType.FLOAT64), Reduction.MEAN));
        assertTrue(e.getMessage().contains("mse_loss") && e.getMessage().contains("FLOAT64"), e.getMessage());
    }

    @Test
    void labelsOfTheWrongShapeAreRejected() {
        var e = assertThrows(ShapeMismatchException.class,
                () -> LossOps.crossEntropy(Tensor.zeros(4, 5), Tensor.of(new long[]{0, 1, 2}, 3), Reduction.MEAN, -100, 0));
        assertTrue(e.getMessage().contains("cross_entropy") && e.getMessage().contains("[3]")
                && e.getMessage().contains("[4, 5]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void oneDimensionalLogitsAreRejected() {
        var e = assertThrows(ShapeMismatchException.class,
                () -> LossOps.crossEntropy(Tensor.zeros(5), Tensor.of(new long[]{0}, 1), Reduction.MEAN, -100, 0));
        assertTrue(e.getMessage().contains("cross_entropy") && e.getMessage().contains("[5]"), e.getMessage());
    }

    @Test
    void labelSmoothingOutsideZeroToOneIsRejected() {
        var e = assertThrows(InvalidArgumentException.class,
                () -> LossOps.crossEntropy(Tensor.zeros(2, 5), Tensor.of(new long[]{0, 1}, 2), Reduction.MEAN, -100, 1.5));
        assertTrue(e.getMessage().contains("cross_entropy") && e.getMessage().contains("1.5"), e.getMessage());
    }

    // ---------------------------------------------------------------- composite losses

    @ParameterizedTest @EnumSource(Reduction.class)
    void nllLossMatchesPyTorch(Reduction red) {
        String tag = "nll_" + red.name().toLowerCase();
        Tensor lp = LS.get("nll_x").tensor(DType.FLOAT64, Device.CPU).requiresGrad(true);
        Tensor loss = LossOps.nllLoss(lp, LS.get("nll_labels").tensor(DType.INT64, Device.CPU), red, -100);
        assertClose(LS.get(tag + "_loss").values(), loss, 1e-12, 1e-10, tag);
        loss.backward(LS.get(tag + "_g").tensor(DType.FLOAT64, Device.CPU));
        assertClose(LS.get(tag + "_dx").values(), lp.grad(), 1e-12, 1e-10, tag + " dx");
    }

    @ParameterizedTest @EnumSource(Reduction.class)
    void mseAndL1MatchPyTorchForBothArguments(Reduction red) {
        for (String name : new String[]{"mse", "l1"}) {
            String tag = name + "_" + red.name().toLowerCase();
            Tensor a = LS.get("a").tensor(DType.FLOAT64, Device.CPU).requiresGrad(true);
            Tensor t = LS.get("t").tensor(DType.FLOAT64, Device.CPU).requiresGrad(true);
            Tensor loss = name.equals("mse") ? LossOps.mseLoss(a, t, red) : LossOps.l1Loss(a, t, red);
            assertClose(LS.get(tag + "_loss").values(), loss, 1e-12, 1e-10, tag);
            loss.backward(LS.get(tag + "_g").tensor(DType.FLOAT64, Device.CPU));
            assertClose(LS.get(tag + "_da").values(), a.grad(), 1e-12, 1e-10, tag + " d input");
            assertClose(LS.get(tag + "_dt").values(), t.grad(), 1e-12, 1e-10, tag + " d target");
        }
    }

    @ParameterizedTest @EnumSource(value = Reduction.class, names = {"MEAN", "NONE"})
    void bceWithLogitsMatchesPyTorchWithAndWithoutPosWeight(Reduction red) {
        for (String name : new String[]{"bce", "bcepw"}) {
            String tag = name + "_" + red.name().toLowerCase();
            Tensor z = LS.get("z").tensor(DType.FLOAT64, Device.CPU).requiresGrad(true);
            Tensor t = LS.get("tb").tensor(DType.FLOAT64, Device.CPU).requiresGrad(true);
            Tensor pw = name.equals("bce") ? null : LS.get("pw").tensor(DType.FLOAT64, Device.CPU);
            Tensor loss = LossOps.bceWithLogits(z, t, pw, red);
            assertClose(LS.get(tag + "_loss").values(), loss, 1e-12, 1e-10, tag);
            loss.backward(LS.get(tag + "_g").tensor(DType.FLOAT64, Device.CPU));
            assertClose(LS.get(tag + "_dz").values(), z.grad(), 1e-12, 1e-10, tag + " d logits");
            assertClose(LS.get(tag + "_dt").values(), t.grad(), 1e-12, 1e-10, tag + " d target");
        }
    }

    @Test
    void bceWithLogitsIsFiniteForHugeLogits() {
        Tensor z = Tensor.of(new float[]{200f, -200f, 90f, -90f}, 4);
        Tensor t = Tensor.of(new float[]{0f, 1f, 1f, 0f}, 4);
        assertClose(new double[]{200, 200, 0, 0}, LossOps.bceWithLogits(z, t, null, Reduction.NONE), 1e-6, 1e-6, "bce");
    }

    @Test
    void mseGradientMatchesFiniteDifferencesForInputAndTarget() {
        Tensor a = TestTensors.randomDouble(31, 3, 4).requiresGrad(true);
        Tensor t = TestTensors.randomDouble(32, 3, 4).requiresGrad(true);
        GradCheck.check("mse_loss", in -> LossOps.mseLoss(in[0], in[1], Reduction.MEAN), a, t);
    }

    @Test
    void l1GradientMatchesFiniteDifferencesForInputAndTarget() {
        Tensor a = TestTensors.randomDouble(33, 3, 4).requiresGrad(true);
        Tensor t = TestTensors.randomDouble(34, 3, 4).requiresGrad(true);
        GradCheck.check("l1_loss", in -> LossOps.l1Loss(in[0], in[1], Reduction.SUM), a, t);
    }

    @Test
    void bceWithLogitsGradientMatchesFiniteDifferencesForLogitsTargetAndPosWeight() {
        Tensor z = TestTensors.randomDouble(35, 3, 4).requiresGrad(true);
        Tensor t = TestTensors.randomDouble(36, 3, 4).requiresGrad(true);
        Tensor pw = Tensor.of(new double[]{0.5, 1.5, 2.0, 1.0}, 4).requiresGrad(true);
        GradCheck.check("bce_with_logits", in -> LossOps.bceWithLogits(in[0], in[1], in[2], Reduction.MEAN), z, t, pw);
    }

    @Test
    void nllGradientMatchesFiniteDifferences() {
        Tensor lp = TestTensors.randomDouble(37, 3, 4).requiresGrad(true);
        Tensor labels = Tensor.of(new long[]{3, -100, 0}, 3);
        GradCheck.check("nll_loss", in -> LossOps.nllLoss(in[0], labels, Reduction.MEAN, -100), lp);
    }

    @Test
    void nllLabelOutOfRangeIsRejected() {
        var e = assertThrows(InvalidArgumentException.class,
                () -> LossOps.nllLoss(Tensor.zeros(2, 3), Tensor.of(new long[]{0, 3}, 2), Reduction.MEAN, -100));
        assertTrue(e.getMessage().contains("nll_loss") && e.getMessage().contains("label 3"), e.getMessage());
    }

    @Test
    void mseWithDifferentShapesIsRejected() {
        var e = assertThrows(ShapeMismatchException.class,
                () -> LossOps.mseLoss(Tensor.zeros(2, 3), Tensor.zeros(3, 2), Reduction.MEAN));
        assertTrue(e.getMessage().contains("mse_loss") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[3, 2]"), e.getMessage());
    }

    @Test
    void posWeightThatDoesNotBroadcastIsRejected() {
        var e = assertThrows(ShapeMismatchException.class, () -> LossOps.bceWithLogits(Tensor.zeros(2, 3), Tensor.zeros(2, 3),
                Tensor.zeros(Shape.of(4), DType.FLOAT32), Reduction.MEAN));
        assertTrue(e.getMessage().contains("binary_cross_entropy_with_logits") && e.getMessage().contains("[4]"), e.getMessage());
    }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static dev.nabla.runtime.TestTensors.assertClose;
import static dev.nabla.runtime.TestTensors.assertShape;
import static org.junit.jupiter.api.Assertions.*;

/** Contract of the shape ops: views, strided copies and joins, forward against loops, backward by GradCheck. */
class ShapeContractTest {
    private static final String DEVICES = "dev.nabla.runtime.TestDevices#all";

    private static Tensor rand(Device dev, DType dt, long seed, int... dims) { return TestTensors.random(seed, dt, dev, dims); }

    private static Tensor leaf(long seed, int... dims) { return TestTensors.randomDouble(seed, dims).requiresGrad(true); }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
    }

    // ---------------------------------------------------------------- views

    @ParameterizedTest @MethodSource(DEVICES)
    void reshapeInfersMinusOneAndKeepsValues(Device dev) {
        Tensor x = rand(dev, DType.FLOAT32, 1, 2, 3, 4);
        Tensor y = x.reshape(4, -1);
        assertShape(y, 4, 6);
        assertArrayEquals(x.toFloatArray(), y.toFloatArray());
    }

    @Test
    void reshapeWithWrongNumelNamesBothShapes() {
        Tensor x = Tensor.zeros(2, 3);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> x.reshape(4, 2));
        assertMessage(e, "reshape", "[2, 3]", "[4, 2]");
    }

    @Test
    void reshapeWithTwoInferredDimsIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3).reshape(-1, -1));
        assertMessage(e, "reshape", "-1");
    }

    @Test
    void reshapeOfClosedTensorThrows() {
        Tensor x = Tensor.zeros(2, 3);
        x.close();
        assertThrows(TensorClosedException.class, () -> x.reshape(6));
    }

    @Test
    void flattenMergesTheGivenAxes() {
        assertShape(Tensor.zeros(2, 3, 4, 5).flatten(1, 2), 2, 12, 5);
        assertShape(Tensor.zeros(2, 3, 4).flatten(0, -1), 24);
    }

    @Test
    void squeezeDropsEverySizeOneDim() {
        assertShape(Tensor.zeros(1, 3, 1, 2).squeeze(), 3, 2);
    }

    @Test
    void squeezeOfANonSizeOneAxisLeavesTheShape() {
        assertShape(Tensor.zeros(2, 3).squeeze(0), 2, 3);
        assertShape(Tensor.zeros(2, 1).squeeze(-1), 2);
    }

    @Test
    void unsqueezeAcceptsAxesFromMinusRankMinusOneToRank() {
        assertShape(Tensor.zeros(2, 3).unsqueeze(2), 2, 3, 1);
        assertShape(Tensor.zeros(2, 3).unsqueeze(-3), 1, 2, 3);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3).unsqueeze(3 + 1));
        assertMessage(e, "unsqueeze", "[2, 3]");
    }

    // ---------------------------------------------------------------- permutations

    @ParameterizedTest @MethodSource(DEVICES)
    void permuteOfFourDimsMatchesLoop(Device dev) {
        int[] dims = {2, 3, 4, 5};
        int[] perm = {2, 0, 3, 1};
        for (DType dt : DType.values()) {
            Tensor x = Tensor.of(Tensor.arange(120).toDoubleArray(), Shape.of(dims), dt, dev);
            Tensor y = x.permute(perm);
            assertShape(y, 4, 2, 5, 3);
            assertClose(Ref.permute(x.toDoubleArray(), dims, perm), y, 0, 0, "permute " + dt);
        }
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void transposeOfALargeOddMatrixMatchesLoop(Device dev) {
        Tensor x = rand(dev, DType.FLOAT64, 2, 3, 67, 130);
        assertClose(Ref.permute(x.toDoubleArray(), new int[]{3, 67, 130}, new int[]{0, 2, 1}), x.transpose(1, 2), 0, 0, "transpose");
    }

    @Test
    void permuteOfNineDimsMatchesLoop() {
        int[] dims = {2, 1, 3, 1, 2, 2, 1, 2, 3};
        int[] perm = {8, 7, 6, 5, 4, 3, 2, 1, 0};
        Tensor x = TestTensors.randomDouble(3, dims);
        assertClose(Ref.permute(x.toDoubleArray(), dims, perm), x.permute(perm), 0, 0, "permute rank 9");
    }

    @Test
    void permuteRejectsARepeatedAxis() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3, 4).permute(0, 1, 1));
        assertMessage(e, "permute", "[0, 1, 1]", "[2, 3, 4]");
    }

    @Test
    void transposeRejectsAnAxisOutOfRange() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3).transpose(0, 2));
        assertMessage(e, "transpose", "[2, 3]");
    }

    // ---------------------------------------------------------------- expand

    @ParameterizedTest @MethodSource(DEVICES)
    void expandGrowsSizeOneDimsAndAddsLeadingDims(Device dev) {
        Tensor x = Tensor.of(new double[]{1, 2, 3}, Shape.of(3, 1), DType.FLOAT32, dev);
        Tensor y = x.expand(2, -1, 4);
        assertShape(y, 2, 3, 4);
        double[] v = y.toDoubleArray();
        for (int f = 0; f < v.length; f++) assertEquals(1 + Ref.unflat(new int[]{2, 3, 4}, f)[1], v[f]);
    }

    @Test
    void expandOfANonSizeOneDimIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3).expand(4, 3));
        assertMessage(e, "expand", "[2, 3]", "[4, 3]");
    }

    // ---------------------------------------------------------------- slicing

    @ParameterizedTest @MethodSource(DEVICES)
    void narrowTakesAContiguousRange(Device dev) {
        Tensor x = Tensor.of(Tensor.arange(24).toDoubleArray(), Shape.of(2, 3, 4), DType.INT64, dev);
        Tensor y = x.narrow(2, 1, 2);
        assertShape(y, 2, 3, 2);
        double[] v = y.toDoubleArray();
        for (int f = 0; f < v.length; f++) {
            int[] i = Ref.unflat(new int[]{2, 3, 2}, f);
            assertEquals(Ref.flat(new int[]{2, 3, 4}, new int[]{i[0], i[1], i[2] + 1}), v[f]);
        }
    }

    @Test
    void narrowPastTheEndIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 5).narrow(1, 3, 3));
        assertMessage(e, "narrow", "[2, 5]", "5");
    }

    @Test
    void sliceStepsAndClampsLikePython() {
        Tensor x = Tensor.of(Tensor.arange(10).toDoubleArray(), Shape.of(10), DType.FLOAT64, Device.CPU);
        assertArrayEquals(new double[]{1, 4, 7}, x.slice(0, 1, 100, 3).toDoubleArray());
        assertArrayEquals(new double[]{7, 8}, x.slice(0, -3, -1, 1).toDoubleArray());
        assertEquals(0, x.slice(0, 8, 2, 1).numel());
    }

    @Test
    void sliceWithNonPositiveStepIsRejected() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Tensor.zeros(4).slice(0, 0, 4, 0));
        assertMessage(e, "slice", "step", "[4]");
    }

    @Test
    void splitBySizeLeavesASmallerLastChunk() {
        List<Tensor> parts = Tensor.of(Tensor.arange(7).toDoubleArray(), Shape.of(7), DType.FLOAT64, Device.CPU).split(3, 0);
        assertEquals(3, parts.size());
        assertArrayEquals(new double[]{6}, parts.get(2).toDoubleArray());
    }

    @Test
    void splitBySizesThatDoNotSumToTheDimIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 5).split(new int[]{2, 2}, 1));
        assertMessage(e, "split", "[2, 2]", "[2, 5]");
    }

    // ---------------------------------------------------------------- pad, concat, stack

    @ParameterizedTest @MethodSource(DEVICES)
    void padAddsValuesFromTheLastDimBackwards(Device dev) {
        Tensor x = Tensor.of(new double[]{1, 2, 3, 4}, Shape.of(2, 2), DType.FLOAT32, dev);
        Tensor y = x.pad(new int[]{1, 0, 0, 1}, -1);
        assertShape(y, 3, 3);
        assertArrayEquals(new double[]{-1, 1, 2, -1, 3, 4, -1, -1, -1}, y.toDoubleArray());
    }

    @Test
    void padWithNegativeValuesCrops() {
        Tensor x = Tensor.of(Tensor.arange(12).toDoubleArray(), Shape.of(3, 4), DType.FLOAT64, Device.CPU);
        Tensor y = x.pad(new int[]{-1, 2, 0, -2}, 0);
        assertShape(y, 1, 5);
        assertArrayEquals(new double[]{1, 2, 3, 0, 0}, y.toDoubleArray());
    }

    @Test
    void padWithAnOddNumberOfValuesIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 2).pad(new int[]{1}, 0));
        assertMessage(e, "pad", "[1]", "[2, 2]");
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void concatJoinsAlongTheMiddleAxis(Device dev) {
        Tensor a = rand(dev, DType.FLOAT64, 1, 2, 1, 3), b = rand(dev, DType.FLOAT64, 2, 2, 2, 3);
        Tensor y = Tensor.concat(List.of(a, b), 1);
        assertShape(y, 2, 3, 3);
        double[] av = a.toDoubleArray(), bv = b.toDoubleArray(), v = y.toDoubleArray();
        for (int f = 0; f < v.length; f++) {
            int[] i = Ref.unflat(new int[]{2, 3, 3}, f);
            double e = i[1] < 1 ? av[Ref.flat(new int[]{2, 1, 3}, i)] : bv[Ref.flat(new int[]{2, 2, 3}, new int[]{i[0], i[1] - 1, i[2]})];
            assertEquals(e, v[f]);
        }
    }

    @Test
    void concatOfMismatchedShapesNamesThem() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.concat(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 3)), 1));
        assertMessage(e, "concat", "[2, 3]", "[3, 3]");
    }

    @Test
    void concatOfMixedDTypesIsRejected() {
        Tensor a = Tensor.zeros(Shape.of(2), DType.FLOAT32), b = Tensor.zeros(Shape.of(2), DType.FLOAT64);
        DTypeMismatchException e = assertThrows(DTypeMismatchException.class, () -> Tensor.concat(List.of(a, b), 0));
        assertMessage(e, "concat", "FLOAT32", "FLOAT64");
    }

    @Test
    void stackAddsANewAxis() {
        Tensor a = Tensor.of(new double[]{1, 2}, 2), b = Tensor.of(new double[]{3, 4}, 2);
        Tensor y = Tensor.stack(List.of(a, b), -1);
        assertShape(y, 2, 2);
        assertArrayEquals(new double[]{1, 3, 2, 4}, y.toDoubleArray());
    }

    @Test
    void stackOfDifferentShapesIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.stack(List.of(Tensor.zeros(2), Tensor.zeros(3)), 0));
        assertMessage(e, "stack", "[2]", "[3]");
    }

    // ---------------------------------------------------------------- gradients

    @Test void reshapeGradient() { GradCheck.check("reshape", in -> in[0].reshape(3, -1), leaf(10, 2, 3, 2)); }

    @Test void squeezeAndUnsqueezeGradient() { GradCheck.check("squeeze", in -> in[0].squeeze().unsqueeze(0), leaf(11, 2, 1, 3)); }

    @Test void transposeGradient() { GradCheck.check("transpose", in -> in[0].transpose(0, 2), leaf(12, 2, 3, 4)); }

    @Test void permuteGradient() { GradCheck.check("permute", in -> in[0].permute(1, 2, 0), leaf(13, 2, 3, 4)); }

    @Test void expandGradient() { GradCheck.check("expand", in -> in[0].expand(2, 3, -1), leaf(14, 3, 1)); }

    @Test void narrowGradient() { GradCheck.check("narrow", in -> in[0].narrow(1, 1, 2), leaf(15, 2, 4)); }

    @Test void steppedSliceGradient() { GradCheck.check("slice", in -> in[0].slice(1, 1, 7, 2), leaf(16, 2, 7)); }

    @Test void splitGradient() { GradCheck.check("split", in -> in[0].split(new int[]{1, 3}, 1).get(1), leaf(17, 2, 4)); }

    @Test void padGradientWithPadAndCrop() { GradCheck.check("pad", in -> in[0].pad(new int[]{2, -1, -1, 1}, 0.5), leaf(18, 3, 4)); }

    @Test
    void concatGradient() {
        GradCheck.check("concat", in -> Tensor.concat(List.of(in[0], in[1]), 0), leaf(19, 1, 3), leaf(20, 2, 3));
    }

    @Test
    void stackGradient() {
        GradCheck.check("stack", in -> Tensor.stack(List.of(in[0], in[1]), 1), leaf(21, 2, 3), leaf(22, 2, 3));
    }

    @Test
    void padBackwardIsItselfDifferentiable() {
        Tensor x = leaf(23, 2, 3);
        Tensor w = TestTensors.randomDouble(24, 3, 6).requiresGrad(true);
        Tensor gx = Autograd.grad(x.pad(new int[]{1, 2, 0, 1}, 0), new Tensor[]{x}, w, true, true)[0];
        double[] wv = w.toDoubleArray();
        double[] expected = new double[6];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) expected[i * 3 + j] = wv[i * 6 + j + 1];
        assertClose(expected, gx, 0, 0, "first derivative");
        Tensor v = TestTensors.randomDouble(25, 2, 3);
        gx.backward(v);
        double[] vv = v.toDoubleArray(), wg = w.grad().toDoubleArray();
        for (int f = 0; f < 18; f++) {
            int i = f / 6, j = f % 6 - 1;
            assertEquals(i < 2 && j >= 0 && j < 3 ? vv[i * 3 + j] : 0, wg[f], "d(grad)/dw at " + f);
        }
    }

    @Test
    void reshapeSharesTheBufferWhileTransposeCopies() {
        Tensor x = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor r = x.reshape(3, 2);
        Tensor t = x.transpose(0, 1);
        x.applyInPlace(dev.nabla.runtime.backend.BinaryOp.ADD, Tensor.scalar(10, DType.FLOAT64, Device.CPU));
        assertArrayEquals(new double[]{11, 12, 13, 14, 15, 16}, r.toDoubleArray(), 0);
        assertArrayEquals(new double[]{1, 4, 2, 5, 3, 6}, t.toDoubleArray(), 0);
    }
}

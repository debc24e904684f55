package dev.nabla.runtime.ops;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.backend.CompareOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Binary ops, comparisons, where and maskedFill with NumPy broadcasting, against index-by-index references. */
class BinaryContractTest {
    /** Pairs of shapes that broadcast: trailing dims, rank differences, size-1 dims, scalars. */
    static final int[][][] SHAPES = {
            {{2, 3}, {2, 3}},
            {{2, 3}, {3}},
            {{3}, {2, 3}},
            {{2, 1, 4}, {3, 1}},
            {{3, 1}, {1, 4}},
            {{4}, {}},
            {{}, {2, 2}},
            {{}, {}},
            {{1}, {5}},
            {{2, 3, 1, 5}, {1, 3, 4, 1}},
            {{1, 1, 3}, {2, 1, 1}},
            {{300, 257}, {257}},       // many rows: the parallel split lands mid-row
            {{30, 1, 60}, {30, 60, 1}},
    };

    static double ref(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case POW -> Math.pow(a, b);
        };
    }

    /** out[i] = f(a[index of i in a], b[index of i in b]) by explicit multi-index arithmetic. */
    static double[] broadcastRef(double[] a, Shape as, double[] b, Shape bs, Shape out, DoubleBinaryOperator f) {
        int r = out.rank();
        double[] res = new double[(int) out.numel()];
        int[] idx = new int[r];
        for (int i = 0; i < res.length; i++) {
            long rem = i;
            for (int d = r - 1; d >= 0; d--) {
                idx[d] = (int) (rem % out.dim(d));
                rem /= out.dim(d);
            }
            res[i] = f.applyAsDouble(a[flat(idx, as)], b[flat(idx, bs)]);
        }
        return res;
    }

    static int flat(int[] outIdx, Shape s) {
        int off = outIdx.length - s.rank(), f = 0;
        for (int d = 0; d < s.rank(); d++) f = f * s.dim(d) + (s.dim(d) == 1 ? 0 : outIdx[d + off]);
        return f;
    }

    static Stream<Arguments> floatCases() {
        return TestDevices.all().flatMap(dev -> Stream.of(DType.FLOAT32, DType.FLOAT64).flatMap(t ->
                Stream.of(BinaryOp.values()).flatMap(op -> Stream.of(SHAPES).map(s -> Arguments.of(dev, t, op, s[0], s[1])))));
    }

    @ParameterizedTest(name = "{2} {3} x {4} {1} on {0}")
    @MethodSource("floatCases")
    void binaryForwardBroadcastsLikeNumPy(Device device, DType dtype, BinaryOp op, int[] ad, int[] bd) {
        Tensor a = TestTensors.random(1, dtype, device, ad);
        Tensor b = TestTensors.random(2, dtype, device, bd);
        if (op == BinaryOp.POW) a = a.abs().add(0.1);  // a real power needs a positive base
        if (op == BinaryOp.DIV) b = b.abs().add(0.1);
        Tensor y = ElementwiseOps.binary(op, a, b);
        Shape out = Shape.broadcast(a.shape(), b.shape(), "test");
        assertEquals(out, y.shape());
        double[] expected = broadcastRef(a.toDoubleArray(), a.shape(), b.toDoubleArray(), b.shape(), out, (x, z) -> ref(op, x, z));
        TestTensors.assertClose(expected, y, TestDevices.atol(dtype), TestDevices.rtol(dtype), op + " " + a.shape() + " x " + b.shape());
    }

    static Stream<Arguments> gradCases() {
        return Stream.of(BinaryOp.values()).flatMap(op -> Stream.of(SHAPES).limit(11).map(s -> Arguments.of(op, s[0], s[1])));
    }

    @ParameterizedTest(name = "{0} {1} x {2}")
    @MethodSource("gradCases")
    void binaryBackwardSumsBroadcastGradientsToEachInputShape(BinaryOp op, int[] ad, int[] bd) {
        Tensor a = TestTensors.randomDouble(3, ad);
        Tensor b = TestTensors.randomDouble(4, bd);
        // Keep POW's base positive and DIV's divisor away from 0; keep MAXIMUM / MINIMUM away from ties.
        if (op == BinaryOp.POW) a = a.abs().add(0.2);
        if (op == BinaryOp.DIV) b = b.abs().add(0.2);
        if (op == BinaryOp.MAXIMUM || op == BinaryOp.MINIMUM) b = b.mul(0.5).add(0.01);
        a = a.detach().requiresGrad(true);
        b = b.detach().requiresGrad(true);
        GradCheck.check(op + " " + a.shape() + " x " + b.shape(), in -> ElementwiseOps.binary(op, in[0], in[1]), a, b);
    }

    @Test void maximumAndMinimumSplitTheGradientOnTies() {
        Tensor a = Tensor.of(new double[]{1, 2, 3}, 3).requiresGrad(true);
        Tensor b = Tensor.of(new double[]{1, 0, 5}, 3).requiresGrad(true);
        a.maximum(b).sum().backward();
        assertArrayEquals(new double[]{0.5, 1, 0}, a.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[]{0.5, 0, 1}, b.grad().toDoubleArray(), 0);
        a.zeroGrad();
        b.zeroGrad();
        a.minimum(b).sum().backward();
        assertArrayEquals(new double[]{0.5, 0, 1}, a.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[]{0.5, 1, 0}, b.grad().toDoubleArray(), 0);
    }

    @Test void maximumPropagatesNaN() {
        double[] y = Tensor.of(new double[]{Double.NaN, 1}, 2).maximum(Tensor.of(new double[]{1, Double.NaN}, 2)).toDoubleArray();
        assertEquals(Double.NaN, y[0]);
        assertEquals(Double.NaN, y[1]);
    }

    @Test void scalarOperandsBroadcastBothWays() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4}, 2, 2);
        assertArrayEquals(new float[]{3, 4, 5, 6}, x.add(2).toFloatArray());
        assertArrayEquals(new float[]{9, 8, 7, 6}, Tensor.scalar(10).sub(x).toFloatArray());
        assertArrayEquals(new float[]{0.5f, 1, 1.5f, 2}, x.div(2).toFloatArray());
    }

    @Test void integerBinaryOpsBroadcastAndTruncateDivision() {
        for (DType t : new DType[]{DType.INT32, DType.INT64}) {
            Tensor a = Tensor.of(new double[]{7, -7, 9, 10, 11, 12}, Shape.of(2, 3), t, Device.CPU);
            Tensor b = Tensor.of(new double[]{2, 3, 4}, Shape.of(3), t, Device.CPU);
            assertEquals(t, a.add(b).dtype());
            assertArrayEquals(new long[]{9, -4, 13, 12, 14, 16}, a.add(b).toLongArray(), t + " add");
            assertArrayEquals(new long[]{14, -21, 36, 20, 33, 48}, a.mul(b).toLongArray(), t + " mul");
            assertArrayEquals(new long[]{3, -2, 2, 5, 3, 3}, a.div(b).toLongArray(), t + " div");
            assertArrayEquals(new long[]{7, 3, 9, 10, 11, 12}, a.maximum(b).toLongArray(), t + " maximum");
        }
    }

    @Test void inPlaceApplyBroadcastsTheSource() {
        Tensor dst = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3);
        dst.applyInPlace(BinaryOp.MUL, Tensor.of(new double[]{10, 100, 1000}, 3));
        assertArrayEquals(new double[]{10, 200, 3000, 40, 500, 6000}, dst.toDoubleArray(), 0);
        dst.applyInPlace(BinaryOp.SUB, Tensor.scalar(10, DType.FLOAT64, Device.CPU));
        assertArrayEquals(new double[]{0, 190, 2990, 30, 490, 5990}, dst.toDoubleArray(), 0);
    }

    // ---------------------------------------------------------------- compare, where, maskedFill

    static Stream<Arguments> compareCases() {
        return TestDevices.all().flatMap(dev -> Stream.of(DType.values()).flatMap(t ->
                Stream.of(CompareOp.values()).map(op -> Arguments.of(dev, t, op))));
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("compareCases")
    void compareGivesA01MaskInTheInputDType(Device device, DType dtype, CompareOp op) {
        Tensor a = Tensor.of(new double[]{1, 2, 3, 3, 2, 1}, Shape.of(2, 3), dtype, device);
        Tensor b = Tensor.of(new double[]{2, 2, 2}, Shape.of(3), dtype, device);
        Tensor m = ElementwiseOps.compare(op, a, b);
        assertEquals(dtype, m.dtype());
        double[] expected = broadcastRef(a.toDoubleArray(), a.shape(), b.toDoubleArray(), b.shape(), Shape.of(2, 3), (x, y) -> switch (op) {
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
        });
        assertArrayEquals(expected, m.toDoubleArray(), 0);
    }

    @Test void comparisonsWithNaNAreFalseExceptNotEqual() {
        Tensor nan = Tensor.of(new double[]{Double.NaN}, 1);
        assertEquals(0, nan.eq(nan).item());
        assertEquals(1, nan.ne(nan).item());
        assertEquals(0, nan.lt(1).item());
        assertEquals(0, nan.ge(1).item());
    }

    @Test void int64ComparisonUsesAllBits() {
        long big = (1L << 53) + 1;
        Tensor a = Tensor.of(new long[]{big}, 1), b = Tensor.of(new long[]{big - 1}, 1);
        assertArrayEquals(new long[]{1}, a.gt(b).toLongArray());
        assertArrayEquals(new long[]{0}, a.eq(b).toLongArray());
    }

    @Test void whereBroadcastsConditionOfAnyDType() {
        for (DType ct : DType.values()) {
            Tensor cond = Tensor.of(new double[]{1, 0}, Shape.of(2, 1), ct, Device.CPU);
            Tensor a = Tensor.of(new double[]{1, 2, 3}, 3);
            Tensor b = Tensor.of(new double[]{-1, -2, -3, -4, -5, -6}, 2, 3);
            Tensor y = Tensor.where(cond, a, b);
            assertArrayEquals(new double[]{1, 2, 3, -4, -5, -6}, y.toDoubleArray(), 0, "cond " + ct);
        }
    }

    @Test void whereRoutesGradientsToTheChosenSide() {
        Tensor cond = Tensor.of(new double[]{1, 0, 1, 0, 0, 1}, 2, 3);
        Tensor a = TestTensors.randomDouble(5, 3).requiresGrad(true);
        Tensor b = TestTensors.randomDouble(6, 2, 1).requiresGrad(true);
        GradCheck.check("where", in -> Tensor.where(cond, in[0], in[1]), a, b);
        a.zeroGrad();
        b.zeroGrad();
        Tensor.where(cond, a, b).sum().backward();
        assertArrayEquals(new double[]{1, 0, 2}, a.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[]{1, 2}, b.grad().toDoubleArray(), 0);
    }

    @Test void maskedFillReplacesMaskedElementsAndBlocksTheirGradient() {
        Tensor x = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor mask = Tensor.of(new int[]{0, 1, 0}, 3);
        Tensor y = x.maskedFill(mask, -1e9);
        assertArrayEquals(new double[]{1, -1e9, 3, 4, -1e9, 6}, y.toDoubleArray(), 0);
        y.sum().backward();
        assertArrayEquals(new double[]{1, 0, 1, 1, 0, 1}, x.grad().toDoubleArray(), 0);
    }

    @Test void maskedFillWithABroadcastMaskPassesGradCheck() {
        Tensor x = TestTensors.randomDouble(12, 2, 3, 4).requiresGrad(true);
        Tensor mask = Tensor.of(new long[]{1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1}, 3, 4);
        GradCheck.check("masked_fill", in -> in[0].maskedFill(mask, 0.25), x);
    }

    @Test void whereOfTwoBroadcastSidesPassesGradCheckIncludingSize1Dims() {
        Tensor cond = Tensor.of(new double[]{1, 0, 0, 1}, 4, 1, 1);
        Tensor a = TestTensors.randomDouble(13, 1, 3, 1).requiresGrad(true);
        Tensor b = TestTensors.randomDouble(14, 2).requiresGrad(true);
        GradCheck.check("where", in -> Tensor.where(cond, in[0], in[1]), a, b);
    }

    @Test void comparisonsBroadcastSize1DimsOnBothSides() {
        Tensor a = Tensor.of(new double[]{1, 2}, 2, 1);
        Tensor b = Tensor.of(new double[]{0, 1, 2}, 1, 3);
        Tensor m = a.le(b);
        TestTensors.assertShape(m, 2, 3);
        assertArrayEquals(new double[]{0, 1, 1, 0, 0, 1}, m.toDoubleArray(), 0);
    }

    @Test void comparisonsAreNotDifferentiableAndRecordNoGraph() {
        Tensor a = TestTensors.randomDouble(15, 3).requiresGrad(true);
        Tensor m = a.gt(0);
        assertEquals(false, m.requiresGrad());
        assertEquals(null, m.gradFnName());
    }

    @Test void whereWithAConditionThatDoesNotBroadcastNamesTheShapes() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.nabla.runtime.ShapeMismatchException.class,
                () -> Tensor.where(Tensor.zeros(2, 4), Tensor.zeros(2, 3), Tensor.zeros(3)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("where") && e.getMessage().contains("[2, 4]")
                && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test void tensorPowerHasGradientsForBaseAndExponent() {
        Tensor a = TestTensors.randomDouble(8, 2, 3).abs().add(0.3).detach().requiresGrad(true);
        Tensor b = TestTensors.randomDouble(9, 3).mul(2).detach().requiresGrad(true);
        GradCheck.check("pow", in -> in[0].pow(in[1]), a, b);
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.backend.CompareOp;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Binary ops, comparisons and where through {@link CpuBroadcast}'s blocks of rows and {@link CpuBinaryRows}'
 * step-pattern loops (contiguous, row op scalar, scalar op row, strided), bit for bit against an
 * element-by-element reference in the same precision. Shapes put every step pattern in the innermost dim, and
 * some are large enough that the parallel split lands mid-row and mid-block; values include NaN, -0 and
 * infinities (maximum / minimum must propagate NaN and order the zeros).
 */
class CpuBinaryRowsTest {
    private static final int[][][] SHAPES = {
            {{2048, 128}, {128}},          // bias: rows of 128, b's step 0 across rows
            {{128}, {2048, 128}},
            {{2048, 128}, {2048, 1}},      // row op scalar
            {{2048, 1}, {2048, 128}},      // scalar op row
            {{300, 257}, {300, 257}},      // one flat run
            {{301, 257}, {1}},
            {{1}, {301, 257}},
            {{7, 5, 3}, {7, 1, 3}},
            {{7, 1, 3}, {1, 5, 1}},        // both step 0 in the middle dim
            {{70, 9, 130}, {9, 1}},        // rows of 130 grouped in blocks of 9
            {{3, 1}, {1, 4}},
            {{5}, {}},
            {{}, {}},
            {{5, 3, 1, 101}, {1, 3, 77, 1}},
    };

    private final CpuElementwise e = new CpuElementwise();

    @Test void float32BinaryOpsMatchTheElementwiseReferenceBitForBit() {
        for (int[][] s : SHAPES) {
            Shape as = Shape.of(s[0]), bs = Shape.of(s[1]), out = Shape.broadcast(as, bs, "test");
            CpuBuffer a = values(DType.FLOAT32, as, 1), b = values(DType.FLOAT32, bs, 2);
            for (BinaryOp op : BinaryOp.values()) {
                CpuBuffer o = (CpuBuffer) e.binary(op, a, as, b, bs, out);
                int[][] idx = indices(as, bs, out);
                for (int i = 0; i < o.size; i++) {
                    float x = a.f[idx[0][i]], y = b.f[idx[1][i]];
                    float expected = switch (op) {
                        case ADD -> x + y;
                        case SUB -> x - y;
                        case MUL -> x * y;
                        case DIV -> x / y;
                        case MAXIMUM -> Math.max(x, y);
                        case MINIMUM -> Math.min(x, y);
                        case POW -> (float) Math.pow(x, y);
                    };
                    assertBits(expected, o.f[i], op, as, bs, i);
                }
            }
        }
    }

    @Test void float64BinaryOpsMatchTheElementwiseReferenceBitForBit() {
        for (int[][] s : SHAPES) {
            Shape as = Shape.of(s[0]), bs = Shape.of(s[1]), out = Shape.broadcast(as, bs, "test");
            CpuBuffer a = values(DType.FLOAT64, as, 3), b = values(DType.FLOAT64, bs, 4);
            for (BinaryOp op : BinaryOp.values()) {
                CpuBuffer o = (CpuBuffer) e.binary(op, a, as, b, bs, out);
                int[][] idx = indices(as, bs, out);
                for (int i = 0; i < o.size; i++) {
                    double x = a.d[idx[0][i]], y = b.d[idx[1][i]];
                    double expected = switch (op) {
                        case ADD -> x + y;
                        case SUB -> x - y;
                        case MUL -> x * y;
                        case DIV -> x / y;
                        case MAXIMUM -> Math.max(x, y);
                        case MINIMUM -> Math.min(x, y);
                        case POW -> Math.pow(x, y);
                    };
                    if (Double.isNaN(expected) && Double.isNaN(o.d[i])) continue;
                    if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(o.d[i])) {
                        fail(op + " " + as + " " + bs + " element " + i + ": " + expected + " vs " + o.d[i]);
                    }
                }
            }
        }
    }

    @Test void inPlaceBinaryOpsMatchTheOutOfPlaceOnes() {
        for (int[][] s : SHAPES) {
            Shape as = Shape.of(s[0]), bs = Shape.of(s[1]);
            if (!Shape.broadcast(as, bs, "test").equals(as)) continue;
            for (BinaryOp op : new BinaryOp[]{BinaryOp.ADD, BinaryOp.MUL, BinaryOp.MAXIMUM}) {
                CpuBuffer a = values(DType.FLOAT32, as, 5), b = values(DType.FLOAT32, bs, 6);
                CpuBuffer expected = (CpuBuffer) e.binary(op, a, as, b, bs, as);
                e.binaryInPlace(op, a, as, b, bs);
                for (int i = 0; i < a.size; i++) assertBits(expected.f[i], a.f[i], op + "_", as, bs, i);
            }
        }
    }

    @Test void integerOpsAndComparisonsAndWhereWalkTheBlocksRight() {
        for (int[][] s : SHAPES) {
            Shape as = Shape.of(s[0]), bs = Shape.of(s[1]), out = Shape.broadcast(as, bs, "test");
            int[][] idx = indices(as, bs, out);
            CpuBuffer ai = values(DType.INT64, as, 7), bi = values(DType.INT64, bs, 8);
            CpuBuffer sum = (CpuBuffer) e.binary(BinaryOp.SUB, ai, as, bi, bs, out);
            for (int i = 0; i < sum.size; i++) {
                if (ai.l[idx[0][i]] - bi.l[idx[1][i]] != sum.l[i]) fail("sub " + as + " " + bs + " element " + i);
            }
            CpuBuffer af = values(DType.FLOAT32, as, 9), bf = values(DType.FLOAT32, bs, 10);
            CpuBuffer lt = (CpuBuffer) e.compare(CompareOp.LT, af, as, bf, bs, out);
            for (int i = 0; i < lt.size; i++) assertBits(af.f[idx[0][i]] < bf.f[idx[1][i]] ? 1f : 0f, lt.f[i], "lt", as, bs, i);
            // where(a < b, b, a) over the same broadcast: the condition walks with the output.
            CpuBuffer w = (CpuBuffer) e.where(lt, out, bf, bs, af, as, out);
            for (int i = 0; i < w.size; i++) {
                float expected = lt.f[i] != 0f ? bf.f[idx[1][i]] : af.f[idx[0][i]];
                assertBits(expected, w.f[i], "where", as, bs, i);
            }
        }
    }

    /** Mostly ordinary values, with NaN, signed zeros and infinities sprinkled in (not for integers). */
    private static CpuBuffer values(DType dtype, Shape shape, long seed) {
        int n = (int) shape.numel();
        CpuBuffer buf = CpuBuffer.allocate(dtype, n);
        Random r = new Random(seed);
        double[] special = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-40, 3.0};
        for (int i = 0; i < n; i++) {
            double v = r.nextInt(13) == 0 ? special[r.nextInt(special.length)] : r.nextGaussian() * 4;
            switch (dtype) {
                case FLOAT32 -> buf.f[i] = (float) v;
                case FLOAT64 -> buf.d[i] = v;
                case INT32 -> buf.i[i] = r.nextInt(1000) - 500;
                case INT64 -> buf.l[i] = r.nextInt(1000) - 500;
            }
        }
        return buf;
    }

    /** For each output element, the flat index it reads in a and in b. */
    private static int[][] indices(Shape as, Shape bs, Shape out) {
        int n = (int) out.numel(), rank = out.rank();
        long[] sa = as.broadcastStrides(out), sb = bs.broadcastStrides(out);
        int[] dims = out.dims();
        int[][] idx = new int[2][n];
        for (int i = 0; i < n; i++) {
            long rem = i, ia = 0, ib = 0;
            for (int d = rank - 1; d >= 0; d--) {
                long c = rem % dims[d];
                rem /= dims[d];
                ia += c * sa[d];
                ib += c * sb[d];
            }
            idx[0][i] = (int) ia;
            idx[1][i] = (int) ib;
        }
        return idx;
    }

    /** Same bits, except that any NaN matches any NaN (the hardware picks the payload). */
    private static void assertBits(float expected, float actual, Object op, Shape as, Shape bs, int i) {
        if (Float.isNaN(expected) && Float.isNaN(actual)) return;
        if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
            fail(op + " " + as + " " + bs + " element " + i + ": " + expected + " vs " + actual);
        }
    }
}

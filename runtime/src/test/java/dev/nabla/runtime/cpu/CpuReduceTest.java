package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.ReduceOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 [reduced, kept, reduced] path (a conv's bias gradient) against a double loop over the same
 * values: sums within a float rounding of the double result, max / min exact, NaN and infinities propagated.
 */
class CpuReduceTest {
    static final ReduceOp[] OPS = {ReduceOp.SUM, ReduceOp.MEAN, ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PROD};

    /** Shape and axes; every case coalesces to [reduced, kept, reduced]. */
    static Stream<Object[]> cases() {
        return Stream.of(
                new Object[]{new int[]{4, 3, 5, 7}, new int[]{0, 2, 3}},
                new Object[]{new int[]{3, 5, 1, 6}, new int[]{0, 2, 3}},
                new Object[]{new int[]{2, 3, 1, 1}, new int[]{0, 2, 3}},
                new Object[]{new int[]{7, 2, 3}, new int[]{0, 2}},
                new Object[]{new int[]{2, 3, 4, 2, 9}, new int[]{0, 1, 3, 4}},
                new Object[]{new int[]{300, 4, 301}, new int[]{0, 2}},
                new Object[]{new int[]{3, 2, 70001}, new int[]{0, 2}},
                new Object[]{new int[]{129, 3, 28, 28}, new int[]{0, 2, 3}});
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("cases")
    void float32MiddlePathMatchesADoubleLoop(int[] dims, int[] axes) {
        Shape shape = Shape.of(dims);
        int n = (int) shape.numel();
        Random r = new Random(7);
        CpuBuffer x = CpuBuffer.allocate(DType.FLOAT32, n);
        for (int i = 0; i < n; i++) x.f[i] = (float) (r.nextGaussian() * 3 + 0.5);
        CpuBuffer near1 = CpuBuffer.allocate(DType.FLOAT32, n);
        for (int i = 0; i < n; i++) near1.f[i] = (float) (1 + r.nextGaussian() * 1e-4);
        for (ReduceOp op : OPS) {
            CpuBuffer in = op == ReduceOp.PROD ? near1 : x;
            float[] got = ((CpuBuffer) new CpuReduce().reduce(op, in, shape, axes)).f;
            double[] want = reference(op, in.f, dims, axes);
            assertEquals(want.length, got.length);
            for (int c = 0; c < want.length; c++) {
                String what = op + " " + Arrays.toString(dims) + " channel " + c;
                if (op == ReduceOp.MAX || op == ReduceOp.MIN) assertEquals((float) want[c], got[c], 0.0f, what);
                else assertEquals((float) want[c], got[c], Math.ulp((float) want[c]), what);
            }
        }
    }

    @Test
    void nanAndInfinitiesPropagateAndSignedZerosStay() {
        int[] dims = {3, 4, 5, 6};
        int[] axes = {0, 2, 3};
        CpuBuffer x = CpuBuffer.allocate(DType.FLOAT32, 3 * 4 * 30);
        Arrays.fill(x.f, -0.0f);
        x.f[(2 * 4 + 1) * 30 + 29] = Float.NaN;          // channel 1: NaN
        x.f[(1 * 4 + 2) * 30 + 3] = Float.POSITIVE_INFINITY; // channel 2: +inf
        x.f[(0 * 4 + 3) * 30 + 7] = Float.NEGATIVE_INFINITY; // channel 3: -inf
        CpuReduce reduce = new CpuReduce();
        float[] sum = ((CpuBuffer) reduce.reduce(ReduceOp.SUM, x, Shape.of(dims), axes)).f;
        float[] max = ((CpuBuffer) reduce.reduce(ReduceOp.MAX, x, Shape.of(dims), axes)).f;
        float[] min = ((CpuBuffer) reduce.reduce(ReduceOp.MIN, x, Shape.of(dims), axes)).f;
        assertEquals(0.0f, sum[0]);
        assertTrue(Float.isNaN(sum[1]) && Float.isNaN(max[1]) && Float.isNaN(min[1]), "NaN propagates");
        assertEquals(Float.POSITIVE_INFINITY, sum[2]);
        assertEquals(Float.POSITIVE_INFINITY, max[2]);
        assertEquals(Float.NEGATIVE_INFINITY, sum[3]);
        assertEquals(Float.NEGATIVE_INFINITY, min[3]);
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(max[0]), "max of -0.0s is -0.0");
    }

    @Test
    void float32SumKeepsDoublePrecisionOverLongChannels() {
        // 2^24 + many ones: float accumulation would stop counting them.
        int[] dims = {4, 2, 100000};
        CpuBuffer x = CpuBuffer.allocate(DType.FLOAT32, 800000);
        Arrays.fill(x.f, 1.0f);
        x.f[0] = 16777216f;
        x.f[100000] = 16777216f;
        float[] got = ((CpuBuffer) new CpuReduce().reduce(ReduceOp.SUM, x, Shape.of(dims), new int[]{0, 2})).f;
        assertArrayEquals(new float[]{16777216f + 399999f, 16777216f + 399999f}, got, 0f);
    }

    @Test
    void vectorBlockSumsMatchADoubleLoopOverOddLengths() {
        if (!CpuGemm.VECTOR || !CpuReduceVector.USABLE) return;
        Random r = new Random(9);
        int mid = 3, blocks = 2;
        for (int inner : new int[]{0, 1, 7, 15, 16, 17, 31, 33, 196, 784}) {
            float[] x = new float[4 * mid * inner];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
            double[] part = new double[mid * blocks];
            CpuReduceVector.sumBlock(x, 1, 4, 1, 3, mid, inner, part, blocks, 1);
            for (int c = 1; c < 3; c++) {
                double want = 0, abs = 0;
                for (int row = 1; row < 4; row++) {
                    for (int i = 0; i < inner; i++) {
                        want += x[(row * mid + c) * inner + i];
                        abs += Math.abs(x[(row * mid + c) * inner + i]);
                    }
                }
                assertEquals(want, part[c * blocks + 1], 1e-15 * abs, "inner " + inner + " channel " + c);
            }
            assertEquals(0.0, part[0] + part[1], 0.0, "other channels and blocks untouched");
        }
    }

    /** The column sums (a linear layer's bias gradient) are the scalar loop's, bit for bit, at every strip width. */
    @Test
    void vectorColumnSumsEqualTheRowOrderDoubleLoop() {
        if (!CpuGemm.VECTOR || !CpuReduceVector.USABLE) return;
        Random r = new Random(4);
        for (int inner : new int[]{1, 7, 15, 16, 17, 63, 64, 65, 80, 130, 512}) {
            for (int rows : new int[]{0, 1, 5, 33}) {
                float[] x = new float[rows * inner];
                for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
                for (int[] range : new int[][]{{0, inner}, {inner / 3, inner}}) {
                    int j0 = range[0], j1 = range[1];
                    double[] got = new double[j1 - j0];
                    Arrays.fill(got, 0.25); // accumulates onto what is there
                    CpuReduceVector.sumColumns(x, rows, inner, j0, j1, got);
                    for (int j = j0; j < j1; j++) {
                        double want = 0.25;
                        for (int row = 0; row < rows; row++) want += x[row * inner + j];
                        assertEquals(want, got[j - j0], 0.0, "inner " + inner + " rows " + rows + " column " + j);
                    }
                }
            }
        }
        CpuBuffer x = CpuBuffer.allocate(DType.FLOAT32, 3 * 40), out = CpuBuffer.allocate(DType.FLOAT32, 40);
        for (int i = 0; i < x.f.length; i++) x.f[i] = i % 40 == 5 ? Float.NaN : i % 40 == 6 ? Float.POSITIVE_INFINITY : 1f;
        CpuReduceSpans.outer(ReduceOp.MEAN, x, 3, 40, out);
        assertTrue(Float.isNaN(out.f[5]));
        assertEquals(Float.POSITIVE_INFINITY, out.f[6]);
        assertEquals(1f, out.f[7]);
    }

    @Test
    void emptyOuterOrInnerDimsGiveTheIdentity() {
        CpuReduce reduce = new CpuReduce();
        for (int[] dims : new int[][]{{0, 3, 4}, {2, 3, 0}}) {
            CpuBuffer x = CpuBuffer.allocate(DType.FLOAT32, 0);
            float[] sum = ((CpuBuffer) reduce.reduce(ReduceOp.SUM, x, Shape.of(dims), new int[]{0, 2})).f;
            float[] prod = ((CpuBuffer) reduce.reduce(ReduceOp.PROD, x, Shape.of(dims), new int[]{0, 2})).f;
            float[] mean = ((CpuBuffer) reduce.reduce(ReduceOp.MEAN, x, Shape.of(dims), new int[]{0, 2})).f;
            assertArrayEquals(new float[]{0, 0, 0}, sum, 0f, Arrays.toString(dims));
            assertArrayEquals(new float[]{1, 1, 1}, prod, 0f, Arrays.toString(dims));
            for (float m : mean) assertTrue(Float.isNaN(m), "mean of nothing is NaN");
        }
    }

    private static double[] reference(ReduceOp op, float[] x, int[] dims, int[] axes) {
        boolean[] reduced = new boolean[dims.length];
        for (int a : axes) reduced[a] = true;
        int outN = 1;
        for (int i = 0; i < dims.length; i++) if (!reduced[i]) outN *= dims[i];
        double[] acc = new double[outN];
        long[] count = new long[outN];
        Arrays.fill(acc, switch (op) {
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case PROD -> 1.0;
            default -> 0.0;
        });
        int[] idx = new int[dims.length];
        for (float v : x) {
            int o = 0;
            for (int d = 0; d < dims.length; d++) if (!reduced[d]) o = o * dims[d] + idx[d];
            acc[o] = switch (op) {
                case MAX -> Math.max(acc[o], v);
                case MIN -> Math.min(acc[o], v);
                case PROD -> acc[o] * v;
                default -> acc[o] + v;
            };
            count[o]++;
            for (int d = dims.length - 1; d >= 0 && ++idx[d] == dims[d]; d--) idx[d] = 0;
        }
        if (op == ReduceOp.MEAN) for (int o = 0; o < outN; o++) acc[o] /= count[o];
        return acc;
    }
}

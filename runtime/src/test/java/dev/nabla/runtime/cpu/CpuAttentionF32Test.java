package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.AttentionSpec;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The float32 attention loops, {@link CpuAttentionF32} on both its tile paths ({@link CpuAttentionScalar}
 * and, when this JVM has the module, {@link CpuAttentionVector}), against attention by the definition in
 * double: sizes around the tile and vector widths (1, 63, 65, 130 tokens; head dims 1, 31, 33), tq != tk,
 * dk != dv, causal and padding masks, rows with nothing visible, huge scores and NaN inputs.
 */
class CpuAttentionF32Test {
    private static final double ATOL = 2e-5, RTOL = 2e-4;

    static List<Named<Boolean>> paths() {
        List<Named<Boolean>> l = new ArrayList<>();
        l.add(Named.of("scalar", false));
        if (CpuGemm.VECTOR) l.add(Named.of("vector", true));
        return l;
    }

    static Stream<Arguments> shapes() {
        // b, h, tq, tk, dk, dv
        int[][] shapes = {
                {1, 1, 1, 1, 1, 1}, {2, 1, 1, 7, 3, 2}, {1, 2, 63, 63, 31, 31}, {1, 1, 65, 65, 33, 33},
                {1, 2, 64, 64, 32, 32}, {2, 1, 130, 130, 16, 16}, {1, 1, 130, 63, 33, 1}, {1, 1, 63, 130, 1, 33},
                {1, 1, 65, 130, 32, 17}, {1, 1, 130, 65, 17, 64}, {1, 1, 5, 3, 2, 2},
        };
        List<Arguments> l = new ArrayList<>();
        for (Named<Boolean> path : paths()) {
            for (int[] s : shapes) {
                for (boolean causal : new boolean[]{false, true}) {
                    for (boolean padded : new boolean[]{false, true}) {
                        l.add(Arguments.of(path, s[0], s[1], s[2], s[3], s[4], s[5], causal, padded));
                    }
                }
            }
        }
        return l.stream();
    }

    @ParameterizedTest(name = "{0} b{1} h{2} tq{3} tk{4} dk{5} dv{6} causal={7} padded={8}")
    @MethodSource("shapes")
    void forwardAndBackwardMatchTheDefinitionInDouble(boolean vector, int b, int h, int tq, int tk, int dk, int dv,
                                                      boolean causal, boolean padded) {
        Case c = new Case(b, h, tq, tk, dk, dv, causal, 1 / Math.sqrt(dk), padded ? 0.3 : 0, 1.0, 31L * tq + tk + dk);
        Result want = c.reference(), got = c.run(vector);
        assertClose(want.out, got.out, "out");
        assertClose(want.lse, got.lse, "lse");
        assertClose(want.dq, got.dq, "dq");
        assertClose(want.dk, got.dk, "dk");
        assertClose(want.dv, got.dv, "dv");
    }

    static Stream<Arguments> eachPath() {
        return paths().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachPath")
    void rowsWithEveryKeyPaddedGiveZerosLseMinusInfinityAndZeroGradients(boolean vector) {
        Case c = new Case(2, 2, 70, 70, 33, 31, false, 0.2, 0, 1.0, 5);
        Arrays.fill(c.ignored, 70, 140, true);                    // every key of batch 1
        Result want = c.reference(), got = c.run(vector);
        int rows = 2 * 70;                                         // batch 1 is the second half of every array
        for (int i = rows; i < 2 * rows; i++) assertEquals(Float.NEGATIVE_INFINITY, got.lse[i], "lse " + i);
        assertAllZero(got.out, rows * 31, "out");
        assertAllZero(got.dq, rows * 33, "dq");
        assertAllZero(got.dk, rows * 33, "dk");
        assertAllZero(got.dv, rows * 31, "dv");
        assertClose(want.out, got.out, "out");
        assertClose(want.dk, got.dk, "dk");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachPath")
    void causalQueriesBeforeTheFirstKeyGiveZerosWithoutNaN(boolean vector) {
        Case c = new Case(1, 2, 130, 65, 32, 32, true, 0.2, 0, 1.0, 6);  // queries 0..64 see no key
        Result want = c.reference(), got = c.run(vector);
        assertAllZero(Arrays.copyOf(got.out, 65 * 32), 0, "out of the hidden rows");
        assertAllZero(Arrays.copyOf(got.dq, 65 * 32), 0, "dq of the hidden rows");
        assertClose(want.out, got.out, "out");
        assertClose(want.dq, got.dq, "dq");
        assertClose(want.dk, got.dk, "dk");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachPath")
    void hugeScoresGiveOneHotRowsWithoutOverflow(boolean vector) {
        Case c = new Case(1, 1, 67, 67, 33, 17, true, 1.0, 0, 300.0, 7);   // scores in the thousands
        Result want = c.reference(), got = c.run(vector);
        for (float x : got.out) assertTrue(Float.isFinite(x), "finite out");
        assertClose(want.out, got.out, "out");
        for (float x : got.dq) assertTrue(Float.isFinite(x), "finite dq");
        assertClose(want.dv, got.dv, "dv");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachPath")
    void tinyScoresGiveUniformRows(boolean vector) {
        Case c = new Case(1, 2, 65, 65, 31, 33, false, 1.0, 0.3, 1e-20, 8);
        Result want = c.reference(), got = c.run(vector);
        assertClose(want.out, got.out, "out");
        assertClose(want.lse, got.lse, "lse");
        assertClose(want.dv, got.dv, "dv");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachPath")
    void aNaNValueReachesTheRowsThatSeeItsKeyAndNoOthers(boolean vector) {
        int t = 70, d = 33, key = 40;
        Case c = new Case(1, 1, t, t, d, d, true, 0.2, 0, 1.0, 9);
        c.v[key * d + 5] = Float.NaN;
        Result got = c.run(vector);
        for (int i = 0; i < t; i++) {
            boolean sees = i >= key;
            assertEquals(sees, Float.isNaN(got.out[i * d + 5]), "out row " + i);
            assertEquals(sees, Float.isNaN(got.dq[i * d]), "dq row " + i);
            assertTrue(Float.isFinite(got.lse[i]), "lse row " + i);
        }
        for (float x : got.dv) assertTrue(Float.isFinite(x), "dv does not depend on v");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachPath")
    void aNaNQueryGivesTheSameRowAsTheFloat64Path(boolean vector) {
        // Every score of the row is NaN, so no key wins the running max: the row reads as fully masked.
        Case c = new Case(1, 1, 9, 9, 4, 4, false, 0.5, 0, 1.0, 10);
        c.q[3 * 4 + 1] = Float.NaN;
        Result got = c.run(vector);
        double[] out = new double[9 * 4], lse = new double[9];
        CpuAttentionF64.forward(c.plan(), widen(c.q), widen(c.k), widen(c.v), out, lse);
        for (int i = 0; i < out.length; i++) assertEquals(out[i], got.out[i], 1e-5, "out " + i);
        for (int i = 0; i < lse.length; i++) assertEquals(lse[i], got.lse[i], 1e-5, "lse " + i);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eachPath")
    void aNaNGradientReachesTheKeysItsRowSeesAndNoFartherThanTheDiagonalGroup(boolean vector) {
        int t = 70, d = 31, row = 40;
        for (boolean padded : new boolean[]{false, true}) {
            Case c = new Case(1, 1, t, t, d, d, true, 0.2, padded ? 0.3 : 0, 1.0, 11);
            c.dOut[row * d + 3] = Float.NaN;
            Result got = c.run(vector);
            for (int j = 0; j < t; j++) {
                if (c.sees(0, row, j)) {
                    assertTrue(Float.isNaN(got.dk[j * d]), "dk row " + j + " padded=" + padded);
                    assertTrue(Float.isNaN(got.dv[j * d + 3]), "dv row " + j + " padded=" + padded);
                } else if (j >= row + CpuAttentionF32.GROUP || c.ignored[j]) {
                    assertTrue(Float.isFinite(got.dk[j * d]), "dk row " + j + " padded=" + padded);
                    assertTrue(Float.isFinite(got.dv[j * d + 3]), "dv row " + j + " padded=" + padded);
                }
            }
            for (int i = 0; i < t; i++) assertEquals(i == row, Float.isNaN(got.dq[i * d]), "dq row " + i);
        }
    }

    @org.junit.jupiter.api.Test
    void vectorTransposeMatchesTheScalarOneAtEverySizeAndOffset() {
        if (!CpuGemm.VECTOR) return;
        Random rnd = new Random(4);
        for (int t = 0; t < 300; t++) {
            int rows = 1 + rnd.nextInt(70), d = 1 + rnd.nextInt(70), j0 = rnd.nextInt(20), ld = j0 + rows + rnd.nextInt(5);
            int off = rnd.nextInt(9);
            float[] src = new float[off + rows * d];
            for (int i = 0; i < src.length; i++) src[i] = rnd.nextFloat();
            float[] want = new float[d * ld], got = new float[d * ld];
            Arrays.fill(want, -1f);
            Arrays.fill(got, -1f);
            CpuAttentionScalar.transpose(src, off, rows, d, want, j0, ld);
            CpuAttentionVector.transpose(src, off, rows, d, got, j0, ld);
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 0f, "rows " + rows + " d " + d + " j0 " + j0 + " ld " + ld + " at " + i);
            }
            for (int j = 0; j < rows; j++) assertEquals(src[off + j * d + d - 1], want[(d - 1) * ld + j0 + j], 0f, "scalar");
        }
    }

    /** The vector path's own float exp, against Math.exp rounded to float: within 2 ulp, subnormals included. */
    @org.junit.jupiter.api.Test
    void vectorExpIsWithinTwoUlpOfMathExp() {
        if (!CpuGemm.VECTOR) return;
        int ld = 64, rows = 4000;
        float[] x = new float[rows * ld], s = new float[rows * ld], shift = new float[rows], sum = new float[rows];
        int[] vis = new int[rows];
        Random rnd = new Random(3);
        for (int i = 0; i < x.length; i++) x[i] = -110f + 200f * i / x.length;           // a dense sweep
        float[] special = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -0f, 0f, 1e-30f, -1e-30f,
                88.72f, 88.73f, -87.33f, -87.34f, -103.28f, -103.98f, -104f, -1e30f, 1e30f, Float.MIN_VALUE};
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < 4 * ld; i++) x[i] = (float) (rnd.nextGaussian() * 20);
        for (int r = 0; r < rows; r++) {
            vis[r] = r % 7 == 3 ? 1 + rnd.nextInt(ld) : ld;                               // tails of every length
            shift[r] = r % 5 == 1 ? 0.75f : 0f;
        }
        System.arraycopy(x, 0, s, 0, x.length);
        CpuAttentionVector.expRows(s, ld, rows, vis, shift, 0, sum);
        for (int r = 0; r < rows; r++) {
            double rowSum = 0;
            for (int c = 0; c < ld; c++) {
                int i = r * ld + c;
                if (c >= vis[r]) {
                    if (c < (vis[r] + CpuAttentionVector.lanes() - 1) / CpuAttentionVector.lanes() * CpuAttentionVector.lanes()) {
                        assertEquals(0f, s[i], 0f, "zero past the row end at " + i);
                    } else {
                        assertEquals(x[i], s[i], 0f, "untouched beyond the last vector at " + i);
                    }
                    continue;
                }
                float want = (float) Math.exp((double) (x[i] - shift[r]));
                rowSum += s[i];
                if (Float.isNaN(want)) {
                    assertTrue(Float.isNaN(s[i]), "exp(" + x[i] + ") is NaN");
                } else if (Float.isInfinite(want) || want == 0f) {
                    assertEquals(want, s[i], 0f, "exp(" + x[i] + ")");
                } else {
                    int ulps = Math.abs(Float.floatToRawIntBits(want) - Float.floatToRawIntBits(s[i]));
                    assertTrue(ulps <= 2, "exp(" + (x[i] - shift[r]) + ") = " + want + ", got " + s[i] + " (" + ulps + " ulp)");
                }
            }
            if (rowSum < Float.MAX_VALUE) assertEquals(rowSum, sum[r], 1e-6 * rowSum, "sum of row " + r);
        }
    }

    // ------------------------------------------------------------------ the reference

    private static final class Result {
        final float[] out, lse, dq, dk, dv;

        Result(float[] out, float[] lse, float[] dq, float[] dk, float[] dv) {
            this.out = out; this.lse = lse; this.dq = dq; this.dk = dk; this.dv = dv;
        }
    }

    private static final class Case {
        final int b, h, tq, tk, dk, dv;
        final boolean causal;
        final double scale;
        final float[] q, k, v, dOut;
        final boolean[] ignored;

        Case(int b, int h, int tq, int tk, int dk, int dv, boolean causal, double scale, double padFraction,
             double qRange, long seed) {
            this.b = b; this.h = h; this.tq = tq; this.tk = tk; this.dk = dk; this.dv = dv;
            this.causal = causal;
            this.scale = scale;
            Random rnd = new Random(seed);
            q = values(rnd, b * h * tq * dk, qRange);
            k = values(rnd, b * h * tk * dk, 1.0);
            v = values(rnd, b * h * tk * dv, 1.0);
            dOut = values(rnd, b * h * tq * dv, 1.0);
            ignored = new boolean[b * tk];
            for (int j = 0; j < ignored.length; j++) ignored[j] = rnd.nextDouble() < padFraction;
        }

        private static float[] values(Random rnd, int n, double range) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
            return a;
        }

        CpuAttention.Plan plan() {
            boolean any = false;
            for (boolean x : ignored) any |= x;
            return new CpuAttention.Plan(new AttentionSpec(b, h, tq, tk, dk, dv, scale, causal), any ? ignored : null);
        }

        Result run(boolean vector) {
            CpuAttention.Plan p = plan();
            float[] out = new float[b * h * tq * dv], lse = new float[b * h * tq];
            Arrays.fill(out, Float.NaN); // every element must be written
            Arrays.fill(lse, Float.NaN);
            CpuAttentionF32.forward(p, q, k, v, out, lse, vector);
            float[] dq = new float[q.length], dkk = new float[k.length], dvv = new float[v.length];
            Arrays.fill(dq, Float.NaN); // the gradients need not come zeroed
            Arrays.fill(dkk, Float.NaN);
            Arrays.fill(dvv, Float.NaN);
            CpuAttentionF32.backward(p, q, k, v, out, lse, dOut, dq, dkk, dvv, vector);
            return new Result(out, lse, dq, dkk, dvv);
        }

        boolean sees(int batch, int i, int j) {
            return !(causal && j > i + tk - tq) && !ignored[batch * tk + j];
        }

        /** Attention by the definition, in double on the float inputs, rounded at the end. */
        Result reference() {
            double[] out = new double[b * h * tq * dv], lse = new double[b * h * tq];
            double[] dq = new double[q.length], dK = new double[k.length], dV = new double[v.length];
            double[] p = new double[tk], dp = new double[tk];
            for (int n = 0; n < b; n++) {
                for (int hh = 0; hh < h; hh++) {
                    int bh = n * h + hh;
                    for (int i = 0; i < tq; i++) {
                        int qi = (bh * tq + i) * dk, oi = (bh * tq + i) * dv;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < tk; j++) {
                            if (!sees(n, i, j)) continue;
                            double s = 0;
                            for (int c = 0; c < dk; c++) s += (double) q[qi + c] * k[(bh * tk + j) * dk + c];
                            p[j] = s * scale;
                            max = Math.max(max, p[j]);
                        }
                        if (max == Double.NEGATIVE_INFINITY) {
                            lse[bh * tq + i] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double sum = 0;
                        for (int j = 0; j < tk; j++) sum += sees(n, i, j) ? Math.exp(p[j] - max) : 0;
                        for (int j = 0; j < tk; j++) p[j] = sees(n, i, j) ? Math.exp(p[j] - max) / sum : 0;
                        lse[bh * tq + i] = max + Math.log(sum);
                        for (int j = 0; j < tk; j++) {
                            for (int c = 0; c < dv; c++) out[oi + c] += p[j] * v[(bh * tk + j) * dv + c];
                        }
                        double delta = 0;
                        for (int j = 0; j < tk; j++) {
                            dp[j] = 0;
                            for (int c = 0; c < dv; c++) dp[j] += (double) dOut[oi + c] * v[(bh * tk + j) * dv + c];
                            delta += p[j] * dp[j];
                        }
                        for (int j = 0; j < tk; j++) {
                            double ds = p[j] * (dp[j] - delta) * scale;
                            int kj = (bh * tk + j) * dk, vj = (bh * tk + j) * dv;
                            for (int c = 0; c < dk; c++) {
                                dq[qi + c] += ds * k[kj + c];
                                dK[kj + c] += ds * q[qi + c];
                            }
                            for (int c = 0; c < dv; c++) dV[vj + c] += p[j] * dOut[oi + c];
                        }
                    }
                }
            }
            return new Result(narrow(out), narrow(lse), narrow(dq), narrow(dK), narrow(dV));
        }
    }

    private static float[] narrow(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static void assertClose(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            if (want[i] == got[i]) continue; // also equal infinities
            if (!(Math.abs(want[i] - got[i]) <= ATOL + RTOL * Math.abs(want[i]))) {
                fail(what + "[" + i + "]: expected " + want[i] + ", got " + got[i]);
            }
        }
    }

    private static void assertAllZero(float[] a, int from, String what) {
        for (int i = from; i < a.length; i++) assertEquals(0f, a[i], 0f, what + " element " + i);
    }
}

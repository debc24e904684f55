package dev.nabla.runtime.cpu;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each GEMM implementation behind {@link CpuGemm} (the portable scalar one, and the Vector API one when this
 * JVM has the module: the build's surefire argLine adds it) against a float64 triple loop: sizes that are not
 * multiples of the register tile or of the cache blocks, every transpose, offsets, padded leading dimensions,
 * alpha and beta; elements of the arrays outside C's window must stay untouched.
 */
class CpuGemmImplementationsTest {
    /** One implementation, both precisions. */
    interface Gemm {
        void dgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
                   double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc);

        void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                   float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);
    }

    private static final Gemm SCALAR = new Gemm() {
        @Override public void dgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
                                    double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
            CpuGemmScalar.dgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        @Override public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            CpuGemmScalar.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    };

    /** Only touched when CpuGemm.VECTOR, so only linked when the module is present. */
    private static final class Vector implements Gemm {
        @Override public void dgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, int aOff, int lda,
                                    double[] b, int bOff, int ldb, double beta, double[] c, int cOff, int ldc) {
            CpuGemmVectorD.dgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        @Override public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            CpuGemmVectorF.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    static List<Named<Gemm>> implementations() {
        List<Named<Gemm>> out = new ArrayList<>();
        out.add(Named.of("scalar", SCALAR));
        if (CpuGemm.VECTOR) out.add(Named.of("vector", new Vector()));
        return out;
    }

    /**
     * Runs both precisions of {@code g} on one problem and compares every element of C's array with the triple
     * loop (inside the window) or with its old value (outside it).
     */
    private static void check(Gemm g, int m, int n, int k, boolean ta, boolean tb, double alpha, double beta, Random r) {
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5, aOff = 7, bOff = 2, cOff = 3;
        double[] a = random(aOff + (ta ? k : m) * lda, r), b = random(bOff + (tb ? n : k) * ldb, r);
        double[] c = random(cOff + m * ldc + 4, r);
        if (beta == 0) java.util.Arrays.fill(c, Double.NaN); // beta == 0 must not read C
        double[] e = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * (tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
                }
                e[cOff + i * ldc + j] = beta == 0 ? alpha * s : alpha * s + beta * c[cOff + i * ldc + j];
            }
        }
        String what = String.format("m=%d n=%d k=%d ta=%b tb=%b alpha=%s beta=%s", m, n, k, ta, tb, alpha, beta);
        double[] cd = c.clone();
        g.dgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, cd, cOff, ldc);
        assertMatches(e, cd, 1e-12 * Math.sqrt(k + 1), what + " f64");
        float[] cf = toFloat(c);
        g.sgemm(ta, tb, m, n, k, (float) alpha, toFloat(a), aOff, lda, toFloat(b), bOff, ldb, (float) beta, cf, cOff, ldc);
        double[] cfd = new double[cf.length];
        for (int i = 0; i < cf.length; i++) cfd[i] = cf[i];
        assertMatches(toDouble(toFloat(e)), cfd, 3e-6 * Math.sqrt(k + 1), what + " f32");
    }

    private static void assertMatches(double[] expected, double[] actual, double tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            double x = expected[i], y = actual[i];
            if (Double.isNaN(x) ? !Double.isNaN(y) : !(Math.abs(x - y) <= tol * (1 + Math.abs(x)))) { // NaN in y fails
                fail(what + ": element " + i + " is " + y + ", expected " + x);
            }
        }
    }

    private static double[] random(int len, Random r) {
        double[] x = new double[len];
        for (int i = 0; i < len; i++) x[i] = r.nextDouble() - 0.5;
        return x;
    }

    private static float[] toFloat(double[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) x[i];
        return y;
    }

    private static double[] toDouble(float[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i];
        return y;
    }

    @ParameterizedTest @MethodSource("implementations")
    void oddSizesAndEveryTransposeMatchTheTripleLoop(Gemm g) {
        Random r = new Random(1);
        int[] sizes = {1, 2, 9, 17, 40, 71};
        for (int m : sizes) for (int n : sizes) for (int k : new int[]{1, 19, 70}) {
            for (int t = 0; t < 4; t++) check(g, m, n, k, (t & 1) != 0, (t & 2) != 0, 1, 0, r);
        }
    }

    @ParameterizedTest @MethodSource("implementations")
    void alphaAndBetaScaleTheProductAndC(Gemm g) {
        Random r = new Random(2);
        for (double[] ab : new double[][]{{1, 1}, {-1.5, 0.25}, {0.5, 0}, {2, -1}}) {
            for (int t = 0; t < 4; t++) check(g, 45, 67, 33, (t & 1) != 0, (t & 2) != 0, ab[0], ab[1], r);
        }
    }

    @ParameterizedTest @MethodSource("implementations")
    void innerDimensionLongerThanOneCacheBlockAccumulatesEveryBlock(Gemm g) {
        Random r = new Random(3);
        check(g, 19, 50, 600, false, false, 1, 0, r);
        check(g, 19, 50, 600, true, true, 0.5, 2, r);
    }

    @ParameterizedTest @MethodSource("implementations")
    void everyTransposeOverSeveralInnerBlocksWithPartialTilesMatchesTheTripleLoop(Gemm g) {
        // 37 rows: a partial row panel (packed even when A is read in place); 45 columns: a partial column panel
        // and an odd count for the transposed-B packing that reads two rows at a time; 530 = 2 * 256 + 18.
        Random r = new Random(7);
        for (int t = 0; t < 4; t++) check(g, 37, 45, 530, (t & 1) != 0, (t & 2) != 0, 1, 0, r);
        for (int t = 0; t < 4; t++) check(g, 37, 45, 530, (t & 1) != 0, (t & 2) != 0, 0.5, -1, r);
    }

    @ParameterizedTest @MethodSource("implementations")
    void narrowProductsMatchTheTripleLoop(Gemm g) {
        // The vector path keeps products narrower than its tile on the tile, on zero-padded B micro-panels.
        Random r = new Random(8);
        for (int n : new int[]{1, 3, 10}) {
            for (int t = 0; t < 4; t++) check(g, 130, n, 150, (t & 1) != 0, (t & 2) != 0, 1, 0.5, r);
        }
    }

    @ParameterizedTest @MethodSource("implementations")
    void widerThanOneColumnBlockCoversEveryColumn(Gemm g) {
        Random r = new Random(4);
        check(g, 10, 1100, 20, false, false, 1, 0, r);
        check(g, 10, 1100, 20, false, true, -1, 1, r);
    }

    @ParameterizedTest @MethodSource("implementations")
    void manyRowsSplitAcrossThreadsMatchTheTripleLoop(Gemm g) {
        Random r = new Random(5);
        check(g, 203, 90, 64, false, false, 1, 0, r);
        check(g, 203, 90, 64, true, false, 1, 0.5, r);
        // A transposed A is read in place by the 8-row tile (its last partial panel packed), over several inner
        // blocks, with rows or columns split between threads.
        check(g, 203, 40, 600, true, false, 1, 0.5, r);
        check(g, 203, 90, 600, true, true, -1, 0, r);
    }

    @ParameterizedTest @MethodSource("implementations")
    void wideAndTallProductsSplitByColumnsOrRowsMatchTheTripleLoop(Gemm g) {
        // With several threads the vector path gives each a range of columns (wide C) or of rows (tall C, or a
        // transposed A larger than B), each packing what it reads.
        Random r = new Random(9);
        for (int t = 0; t < 4; t++) check(g, 37, 300, 120, (t & 1) != 0, (t & 2) != 0, 1, 0, r);
        for (int t = 0; t < 4; t++) check(g, 300, 37, 120, (t & 1) != 0, (t & 2) != 0, 1, 0.5, r);
    }

    @ParameterizedTest @MethodSource("implementations")
    void zeroInnerDimensionOrZeroAlphaOnlyScalesC(Gemm g) {
        Random r = new Random(6);
        check(g, 33, 40, 0, false, false, 1, 2, r);
        check(g, 33, 40, 50, false, false, 0, 0.5, r);
        check(g, 33, 40, 50, false, false, 0, 0, r);
    }

    @ParameterizedTest @MethodSource("implementations")
    void unitAlphaWithBetaZeroOrOneRoundsLikeTheGeneralStore(Gemm g) {
        // The vector kernels store full tiles with alpha == 1 and beta == 0 straight from their registers; other
        // alphas and betas (beta 1: C + tile) go through the general store. Negating alpha (and C) negates every rounding exactly, so both
        // paths must agree bit for bit: over one and several inner blocks, full and partial tiles, every transpose.
        Random r = new Random(10);
        for (int[] s : new int[][]{{40, 70, 19}, {64, 128, 128}, {17, 33, 530}}) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int lda = ta ? m : k, ldb = tb ? k : n;
                double[] ad = random(m * k, r), bd = random(k * n, r), c0 = random(m * n, r);
                float[] af = toFloat(ad), bf = toFloat(bd), cf = toFloat(c0);
                for (int beta = 0; beta <= 1; beta++) {
                    double[] cd = c0.clone(), nd = new double[m * n];
                    float[] cs = cf.clone(), ns = new float[m * n];
                    for (int i = 0; i < m * n; i++) {
                        nd[i] = -c0[i];
                        ns[i] = -cf[i];
                    }
                    g.dgemm(ta, tb, m, n, k, 1, ad, 0, lda, bd, 0, ldb, beta, cd, 0, n);
                    g.dgemm(ta, tb, m, n, k, -1, ad, 0, lda, bd, 0, ldb, beta, nd, 0, n);
                    g.sgemm(ta, tb, m, n, k, 1f, af, 0, lda, bf, 0, ldb, beta, cs, 0, n);
                    g.sgemm(ta, tb, m, n, k, -1f, af, 0, lda, bf, 0, ldb, beta, ns, 0, n);
                    for (int i = 0; i < m * n; i++) {
                        String what = String.format("m=%d n=%d k=%d ta=%b tb=%b beta=%d element %d", m, n, k, ta, tb, beta, i);
                        assertEquals(Double.doubleToRawLongBits(cd[i]), Double.doubleToRawLongBits(-nd[i]), what + " f64");
                        assertEquals(Float.floatToRawIntBits(cs[i]), Float.floatToRawIntBits(-ns[i]), what + " f32");
                    }
                }
            }
        }
    }

    @ParameterizedTest @MethodSource("implementations")
    void aProductSplitAcrossThreadsEqualsItsColumnStripsComputedOneByOne(Gemm g) {
        // Large enough for several threads, which (vector path) claim blocks of columns; each strip of 24 columns
        // alone is too small to fork. Every element's summation order is the same either way: equal bit for bit.
        Random r = new Random(11);
        int m = 128, n = 264, strip = 24;
        for (int k : new int[]{128, 300}) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int lda = ta ? m : k, ldb = tb ? k : n;
                double[] ad = random(m * k, r), bd = random(k * n, r), c0 = random(m * n, r);
                float[] af = toFloat(ad), bf = toFloat(bd), cf = toFloat(c0);
                double[] whole = c0.clone(), strips = c0.clone();
                float[] wholeF = cf.clone(), stripsF = cf.clone();
                g.dgemm(ta, tb, m, n, k, 1, ad, 0, lda, bd, 0, ldb, 1, whole, 0, n);
                g.sgemm(ta, tb, m, n, k, 1f, af, 0, lda, bf, 0, ldb, 1f, wholeF, 0, n);
                for (int j = 0; j < n; j += strip) {
                    int bo = tb ? j * ldb : j;
                    g.dgemm(ta, tb, m, strip, k, 1, ad, 0, lda, bd, bo, ldb, 1, strips, j, n);
                    g.sgemm(ta, tb, m, strip, k, 1f, af, 0, lda, bf, bo, ldb, 1f, stripsF, j, n);
                }
                String what = String.format("k=%d ta=%b tb=%b", k, ta, tb);
                assertArrayEquals(strips, whole, what + " f64");
                assertArrayEquals(stripsF, wholeF, what + " f32");
            }
        }
    }

    @ParameterizedTest @MethodSource("implementations")
    void aWideProductWithPackedPanelsEqualsItsNarrowStripsReadInPlace(Gemm g) {
        // A block of 8 or more B micro-panels (2 for a transposed A) packs every A micro-panel for its own kernel
        // (512-bit vectors); a strip of one panel reads A in place. Rows enough (m >= 4n) that threads split the
        // wide product by rows, so each block keeps all its columns; two inner blocks (k > 256, the second of odd
        // length), an odd count of full row panels in the last group of 128 rows, and a partial last row and column
        // panel. The summation order is the same in both kernels: equal bit for bit, and close to the triple loop.
        Random r = new Random(12);
        int m = 1211, n = 300, k = 301, strip = 32;
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            int lda = ta ? m : k, ldb = tb ? k : n;
            float[] af = toFloat(random(m * k, r)), bf = toFloat(random(k * n, r)), cf = toFloat(random(m * n, r));
            for (float[] ab : ALPHA_BETA) {
                float[][] ws = wholeAndStrips(g, ta, tb, m, n, k, ab, af, bf, cf, false, strip);
                float[] whole = ws[0];
                String what = String.format("ta=%b tb=%b alpha=%s beta=%s", ta, tb, ab[0], ab[1]);
                assertArrayEquals(ws[1], whole, what);
                for (int i = 0; i < m; i += 97) {
                    for (int j = 0; j < n; j += 13) {
                        double e = ab[1] * cf[i * n + j];
                        for (int p = 0; p < k; p++) {
                            e += ab[0] * (double) af[ta ? p * lda + i : i * lda + p] * bf[tb ? j * ldb + p : p * ldb + j];
                        }
                        assertEquals(e, whole[i * n + j], 1e-4 * (1 + Math.abs(e)), what + " at " + i + "," + j);
                    }
                }
            }
        }
    }

    @ParameterizedTest @MethodSource("implementations")
    void aTallProductWithBPackedOnceForAllThreadsEqualsItsRowStrips(Gemm g) {
        // Rows enough (m >= 4n) for a row split and a small B (k * n within 64K packed floats): the vector path packs
        // all of B once, both threads a share of its panels, and the threads claim ranges of rows; each strip of 40
        // rows alone splits by columns, with B packed per thread. Two inner blocks (the second of odd length), a
        // partial last row and column panel, every transpose, alpha and beta: equal bit for bit.
        Random r = new Random(13);
        int m = 1500, n = 150, k = 300, strip = 40;
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            float[] af = toFloat(random(m * k, r)), bf = toFloat(random(k * n, r)), cf = toFloat(random(m * n, r));
            for (float[] ab : ALPHA_BETA) {
                float[][] ws = wholeAndStrips(g, ta, tb, m, n, k, ab, af, bf, cf, true, strip);
                assertArrayEquals(ws[1], ws[0], String.format("ta=%b tb=%b alpha=%s beta=%s", ta, tb, ab[0], ab[1]));
            }
        }
    }

    /** alpha and beta pairs: the store straight from registers (1, 0), C + tile (1, 1), and the general one. */
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {1f, 1f}, {-1.5f, 0.25f}};

    /**
     * C = alpha op(A) op(B) + beta C (A, B and C dense, m x k, k x n, m x n before the transposes) as one product
     * and as strips of {@code strip} rows ({@code byRows}) or columns, each its own product: {whole, strips}.
     */
    private static float[][] wholeAndStrips(Gemm g, boolean ta, boolean tb, int m, int n, int k, float[] ab,
                                            float[] af, float[] bf, float[] cf, boolean byRows, int strip) {
        int lda = ta ? m : k, ldb = tb ? k : n;
        float[] whole = cf.clone(), strips = cf.clone();
        g.sgemm(ta, tb, m, n, k, ab[0], af, 0, lda, bf, 0, ldb, ab[1], whole, 0, n);
        for (int s = 0; s < (byRows ? m : n); s += strip) {
            int w = Math.min(strip, (byRows ? m : n) - s);
            if (byRows) {
                g.sgemm(ta, tb, w, n, k, ab[0], af, ta ? s : s * lda, lda, bf, 0, ldb, ab[1], strips, s * n, n);
            } else {
                g.sgemm(ta, tb, m, w, k, ab[0], af, 0, lda, bf, tb ? s * ldb : s, ldb, ab[1], strips, s, n);
            }
        }
        return new float[][]{whole, strips};
    }

    @Test
    void theSuiteRunsTheVectorPathWhereTheCpuHasWideVectors() {
        // The parent pom's surefire argLine adds the module; without it the whole suite would test the scalar path.
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "surefire argLine lacks --add-modules jdk.incubator.vector");
        assertTrue(CpuGemm.VECTOR || CpuGemmVectorF.unusableReason() != null, CpuGemm.implementation());
    }

    @Test
    void theVectorShapeIsTheOneAskedFor() {
        Integer bits = Integer.getInteger("nabla.cpu.gemmBits");
        org.junit.jupiter.api.Assumptions.assumeTrue(bits != null && CpuGemm.VECTOR, "no width asked for");
        assertTrue(CpuGemmVectorF.describe().startsWith(bits + "-bit"), CpuGemmVectorF.describe());
    }
}

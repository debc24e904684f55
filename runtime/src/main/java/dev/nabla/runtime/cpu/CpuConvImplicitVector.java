package dev.nabla.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of {@link CpuConvImplicit} on the {@code jdk.incubator.vector} API; like
 * {@link CpuGemmVectorF}, only loaded when {@link CpuGemm#VECTOR} is set. {@link CpuConvImplicit} holds the
 * scalar twins, which compute every output with the same chain of fused multiply-adds (the forward tiles) or
 * the same sums in another order (the weight-gradient tiles).
 *
 * <p>Notation as in {@link CpuConvImplicit}: {@code s} holds an image's tap sources, row {@code kk} of the
 * implicit [K, P] matrix starting at {@code off[kk]}.
 */
final class CpuConvImplicitVector {
    private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = SF.length();

    private CpuConvImplicitVector() {}

    /**
     * Output rows co..co+7 (each {@code p} long, from {@code yOff}), columns q..q+2L: {@code bias + sum_kk
     * w[kk][j] * s[off[kk] + q]}, with the eight channels' weights interleaved at {@code wp[wOff + kk * 8 + j]}.
     * 16 accumulators; each step loads two source vectors and broadcasts eight weights.
     */
    static void forward8x2(float[] s, int[] off, int k, float[] wp, int wOff, float[] bias, int co,
                           float[] y, int yOff, int p, int q) {
        FloatVector a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51, a60, a61, a70, a71;
        if (bias == null) {
            FloatVector z = FloatVector.zero(SF);
            a00 = z; a10 = z; a20 = z; a30 = z; a40 = z; a50 = z; a60 = z; a70 = z;
        } else {
            a00 = FloatVector.broadcast(SF, bias[co]);
            a10 = FloatVector.broadcast(SF, bias[co + 1]);
            a20 = FloatVector.broadcast(SF, bias[co + 2]);
            a30 = FloatVector.broadcast(SF, bias[co + 3]);
            a40 = FloatVector.broadcast(SF, bias[co + 4]);
            a50 = FloatVector.broadcast(SF, bias[co + 5]);
            a60 = FloatVector.broadcast(SF, bias[co + 6]);
            a70 = FloatVector.broadcast(SF, bias[co + 7]);
        }
        a01 = a00; a11 = a10; a21 = a20; a31 = a30; a41 = a40; a51 = a50; a61 = a60; a71 = a70;
        for (int kk = 0, wi = wOff; kk < k; kk++, wi += 8) {
            int o = off[kk] + q;
            FloatVector x0 = FloatVector.fromArray(SF, s, o), x1 = FloatVector.fromArray(SF, s, o + L);
            FloatVector w0 = FloatVector.broadcast(SF, wp[wi]);
            a00 = x0.fma(w0, a00);
            a01 = x1.fma(w0, a01);
            FloatVector w1 = FloatVector.broadcast(SF, wp[wi + 1]);
            a10 = x0.fma(w1, a10);
            a11 = x1.fma(w1, a11);
            FloatVector w2 = FloatVector.broadcast(SF, wp[wi + 2]);
            a20 = x0.fma(w2, a20);
            a21 = x1.fma(w2, a21);
            FloatVector w3 = FloatVector.broadcast(SF, wp[wi + 3]);
            a30 = x0.fma(w3, a30);
            a31 = x1.fma(w3, a31);
            FloatVector w4 = FloatVector.broadcast(SF, wp[wi + 4]);
            a40 = x0.fma(w4, a40);
            a41 = x1.fma(w4, a41);
            FloatVector w5 = FloatVector.broadcast(SF, wp[wi + 5]);
            a50 = x0.fma(w5, a50);
            a51 = x1.fma(w5, a51);
            FloatVector w6 = FloatVector.broadcast(SF, wp[wi + 6]);
            a60 = x0.fma(w6, a60);
            a61 = x1.fma(w6, a61);
            FloatVector w7 = FloatVector.broadcast(SF, wp[wi + 7]);
            a70 = x0.fma(w7, a70);
            a71 = x1.fma(w7, a71);
        }
        int o = yOff + q;
        a00.intoArray(y, o);
        a01.intoArray(y, o + L);
        a10.intoArray(y, o + p);
        a11.intoArray(y, o + p + L);
        a20.intoArray(y, o + 2 * p);
        a21.intoArray(y, o + 2 * p + L);
        a30.intoArray(y, o + 3 * p);
        a31.intoArray(y, o + 3 * p + L);
        a40.intoArray(y, o + 4 * p);
        a41.intoArray(y, o + 4 * p + L);
        a50.intoArray(y, o + 5 * p);
        a51.intoArray(y, o + 5 * p + L);
        a60.intoArray(y, o + 6 * p);
        a61.intoArray(y, o + 6 * p + L);
        a70.intoArray(y, o + 7 * p);
        a71.intoArray(y, o + 7 * p + L);
    }

    /** {@link #forward8x2} for one vector of columns (q..q+L). */
    static void forward8x1(float[] s, int[] off, int k, float[] wp, int wOff, float[] bias, int co,
                           float[] y, int yOff, int p, int q) {
        FloatVector a0, a1, a2, a3, a4, a5, a6, a7;
        if (bias == null) {
            FloatVector z = FloatVector.zero(SF);
            a0 = z; a1 = z; a2 = z; a3 = z; a4 = z; a5 = z; a6 = z; a7 = z;
        } else {
            a0 = FloatVector.broadcast(SF, bias[co]);
            a1 = FloatVector.broadcast(SF, bias[co + 1]);
            a2 = FloatVector.broadcast(SF, bias[co + 2]);
            a3 = FloatVector.broadcast(SF, bias[co + 3]);
            a4 = FloatVector.broadcast(SF, bias[co + 4]);
            a5 = FloatVector.broadcast(SF, bias[co + 5]);
            a6 = FloatVector.broadcast(SF, bias[co + 6]);
            a7 = FloatVector.broadcast(SF, bias[co + 7]);
        }
        for (int kk = 0, wi = wOff; kk < k; kk++, wi += 8) {
            FloatVector x0 = FloatVector.fromArray(SF, s, off[kk] + q);
            a0 = x0.fma(FloatVector.broadcast(SF, wp[wi]), a0);
            a1 = x0.fma(FloatVector.broadcast(SF, wp[wi + 1]), a1);
            a2 = x0.fma(FloatVector.broadcast(SF, wp[wi + 2]), a2);
            a3 = x0.fma(FloatVector.broadcast(SF, wp[wi + 3]), a3);
            a4 = x0.fma(FloatVector.broadcast(SF, wp[wi + 4]), a4);
            a5 = x0.fma(FloatVector.broadcast(SF, wp[wi + 5]), a5);
            a6 = x0.fma(FloatVector.broadcast(SF, wp[wi + 6]), a6);
            a7 = x0.fma(FloatVector.broadcast(SF, wp[wi + 7]), a7);
        }
        int o = yOff + q;
        a0.intoArray(y, o);
        a1.intoArray(y, o + p);
        a2.intoArray(y, o + 2 * p);
        a3.intoArray(y, o + 3 * p);
        a4.intoArray(y, o + 4 * p);
        a5.intoArray(y, o + 5 * p);
        a6.intoArray(y, o + 6 * p);
        a7.intoArray(y, o + 7 * p);
    }

    /** One output row (weights {@code w[wOff + kk]}, bias b), columns q..q+L. */
    static void forward1x1(float[] s, int[] off, int k, float[] w, int wOff, float b, float[] y, int yOff, int q) {
        FloatVector a = FloatVector.broadcast(SF, b);
        for (int kk = 0; kk < k; kk++) a = FloatVector.fromArray(SF, s, off[kk] + q).fma(FloatVector.broadcast(SF, w[wOff + kk]), a);
        a.intoArray(y, yOff + q);
    }

    /**
     * Weight-gradient tile over one image: for the eight rows kk0.. of the implicit matrix (source rows at
     * {@code r0..r7}) and 2L output channels, {@code t[i][j] += sum_q s[r_i + q] * d[dOff + q * 2L + j]}, with
     * d the image's output gradient transposed to [P, 2L]. The tile t (8 x 2L floats) is loaded and stored
     * once per call.
     */
    static void weight8x2(float[] s, int r0, int r1, int r2, int r3, int r4, int r5, int r6, int r7,
                          float[] d, int dOff, int p, float[] t, int tOff) {
        int nb = 2 * L, a = tOff;
        FloatVector c00 = FloatVector.fromArray(SF, t, a), c01 = FloatVector.fromArray(SF, t, a + L);
        FloatVector c10 = FloatVector.fromArray(SF, t, a + nb), c11 = FloatVector.fromArray(SF, t, a + nb + L);
        FloatVector c20 = FloatVector.fromArray(SF, t, a + 2 * nb), c21 = FloatVector.fromArray(SF, t, a + 2 * nb + L);
        FloatVector c30 = FloatVector.fromArray(SF, t, a + 3 * nb), c31 = FloatVector.fromArray(SF, t, a + 3 * nb + L);
        FloatVector c40 = FloatVector.fromArray(SF, t, a + 4 * nb), c41 = FloatVector.fromArray(SF, t, a + 4 * nb + L);
        FloatVector c50 = FloatVector.fromArray(SF, t, a + 5 * nb), c51 = FloatVector.fromArray(SF, t, a + 5 * nb + L);
        FloatVector c60 = FloatVector.fromArray(SF, t, a + 6 * nb), c61 = FloatVector.fromArray(SF, t, a + 6 * nb + L);
        FloatVector c70 = FloatVector.fromArray(SF, t, a + 7 * nb), c71 = FloatVector.fromArray(SF, t, a + 7 * nb + L);
        for (int q = 0, di = dOff; q < p; q++, di += nb) {
            FloatVector b0 = FloatVector.fromArray(SF, d, di), b1 = FloatVector.fromArray(SF, d, di + L);
            FloatVector a0 = FloatVector.broadcast(SF, s[r0 + q]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SF, s[r1 + q]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SF, s[r2 + q]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SF, s[r3 + q]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(SF, s[r4 + q]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(SF, s[r5 + q]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(SF, s[r6 + q]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(SF, s[r7 + q]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(t, a);
        c01.intoArray(t, a + L);
        c10.intoArray(t, a + nb);
        c11.intoArray(t, a + nb + L);
        c20.intoArray(t, a + 2 * nb);
        c21.intoArray(t, a + 2 * nb + L);
        c30.intoArray(t, a + 3 * nb);
        c31.intoArray(t, a + 3 * nb + L);
        c40.intoArray(t, a + 4 * nb);
        c41.intoArray(t, a + 4 * nb + L);
        c50.intoArray(t, a + 5 * nb);
        c51.intoArray(t, a + 5 * nb + L);
        c60.intoArray(t, a + 6 * nb);
        c61.intoArray(t, a + 6 * nb + L);
        c70.intoArray(t, a + 7 * nb);
        c71.intoArray(t, a + 7 * nb + L);
    }

    /** {@link #weight8x2} for one row (source row at r), its 2L sums at {@code t[tOff..]}. */
    static void weight1x2(float[] s, int r, float[] d, int dOff, int p, float[] t, int tOff) {
        int nb = 2 * L;
        FloatVector c0 = FloatVector.fromArray(SF, t, tOff), c1 = FloatVector.fromArray(SF, t, tOff + L);
        for (int q = 0, di = dOff; q < p; q++, di += nb) {
            FloatVector a = FloatVector.broadcast(SF, s[r + q]);
            c0 = a.fma(FloatVector.fromArray(SF, d, di), c0);
            c1 = a.fma(FloatVector.fromArray(SF, d, di + L), c1);
        }
        c0.intoArray(t, tOff);
        c1.intoArray(t, tOff + L);
    }

    /**
     * Lane-wise weight-gradient tile over one image, for a short reduction (K small, P a multiple of L): output
     * gradient rows d0..d3 (four channels) against source rows r0..r3 (four taps), {@code acc[a + i * ks + j * L
     * + lane] += sum over q = lane (mod L) of dy[d_i + q] * s[r_j + q]}. The sixteen accumulators are loaded and
     * stored once per call.
     */
    static void lanes4x4(float[] dy, int d0, int d1, int d2, int d3, float[] s, int r0, int r1, int r2, int r3,
                         int p, float[] acc, int a, int ks) {
        int a1 = a + ks, a2 = a + 2 * ks, a3 = a + 3 * ks;
        FloatVector c00 = FloatVector.fromArray(SF, acc, a), c01 = FloatVector.fromArray(SF, acc, a + L);
        FloatVector c02 = FloatVector.fromArray(SF, acc, a + 2 * L), c03 = FloatVector.fromArray(SF, acc, a + 3 * L);
        FloatVector c10 = FloatVector.fromArray(SF, acc, a1), c11 = FloatVector.fromArray(SF, acc, a1 + L);
        FloatVector c12 = FloatVector.fromArray(SF, acc, a1 + 2 * L), c13 = FloatVector.fromArray(SF, acc, a1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(SF, acc, a2), c21 = FloatVector.fromArray(SF, acc, a2 + L);
        FloatVector c22 = FloatVector.fromArray(SF, acc, a2 + 2 * L), c23 = FloatVector.fromArray(SF, acc, a2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(SF, acc, a3), c31 = FloatVector.fromArray(SF, acc, a3 + L);
        FloatVector c32 = FloatVector.fromArray(SF, acc, a3 + 2 * L), c33 = FloatVector.fromArray(SF, acc, a3 + 3 * L);
        for (int q = 0; q < p; q += L) {
            FloatVector x0 = FloatVector.fromArray(SF, s, r0 + q), x1 = FloatVector.fromArray(SF, s, r1 + q);
            FloatVector x2 = FloatVector.fromArray(SF, s, r2 + q), x3 = FloatVector.fromArray(SF, s, r3 + q);
            FloatVector v = FloatVector.fromArray(SF, dy, d0 + q);
            c00 = v.fma(x0, c00);
            c01 = v.fma(x1, c01);
            c02 = v.fma(x2, c02);
            c03 = v.fma(x3, c03);
            v = FloatVector.fromArray(SF, dy, d1 + q);
            c10 = v.fma(x0, c10);
            c11 = v.fma(x1, c11);
            c12 = v.fma(x2, c12);
            c13 = v.fma(x3, c13);
            v = FloatVector.fromArray(SF, dy, d2 + q);
            c20 = v.fma(x0, c20);
            c21 = v.fma(x1, c21);
            c22 = v.fma(x2, c22);
            c23 = v.fma(x3, c23);
            v = FloatVector.fromArray(SF, dy, d3 + q);
            c30 = v.fma(x0, c30);
            c31 = v.fma(x1, c31);
            c32 = v.fma(x2, c32);
            c33 = v.fma(x3, c33);
        }
        c00.intoArray(acc, a);
        c01.intoArray(acc, a + L);
        c02.intoArray(acc, a + 2 * L);
        c03.intoArray(acc, a + 3 * L);
        c10.intoArray(acc, a1);
        c11.intoArray(acc, a1 + L);
        c12.intoArray(acc, a1 + 2 * L);
        c13.intoArray(acc, a1 + 3 * L);
        c20.intoArray(acc, a2);
        c21.intoArray(acc, a2 + L);
        c22.intoArray(acc, a2 + 2 * L);
        c23.intoArray(acc, a2 + 3 * L);
        c30.intoArray(acc, a3);
        c31.intoArray(acc, a3 + L);
        c32.intoArray(acc, a3 + 2 * L);
        c33.intoArray(acc, a3 + 3 * L);
    }

    /** {@link #lanes4x4} for one channel and one tap: {@code acc[a + lane] += ...}. */
    static void lanes1x1(float[] dy, int d, float[] s, int r, int p, float[] acc, int a) {
        FloatVector c = FloatVector.fromArray(SF, acc, a);
        for (int q = 0; q < p; q += L) c = FloatVector.fromArray(SF, dy, d + q).fma(FloatVector.fromArray(SF, s, r + q), c);
        c.intoArray(acc, a);
    }
}

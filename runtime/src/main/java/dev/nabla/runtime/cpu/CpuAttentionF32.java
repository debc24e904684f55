package dev.nabla.runtime.cpu;

import java.util.Arrays;

import static dev.nabla.runtime.cpu.CpuAttention.BLOCK_K;
import static dev.nabla.runtime.cpu.CpuAttention.BLOCK_Q;

/**
 * The FLOAT32 loops of {@link CpuAttention}: the same online-softmax tiling as {@link CpuAttentionF64}, but
 * the tile products and the exp run through {@link CpuAttentionVector} (or its plain-loop twin
 * {@link CpuAttentionScalar}) instead of {@link CpuGemm}, reading q, k, v and dOut in place. The products
 * whose columns are keys (S = Q K^T, dP = dO V^T) read a transposed copy of the key block, made once per
 * block, so that every product is a broadcast of A against rows of B. Each product runs in groups of
 * {@link #GROUP} rows, and with causal masking a group computes only up to the last key that its last row
 * sees: the diagonal tiles cost about half.
 *
 * <p>Masked (causal or padded) entries of P and dS are exact zeros, so that they add nothing to dq, dk and
 * dv; a NaN reaches the outputs through the entries that are visible.
 */
final class CpuAttentionF32 {
    /** Rows of a tile per product call; the causal extent of the group is that of its last row. */
    static final int GROUP = 4;

    private CpuAttentionF32() {}

    /** The scratch of one worker. */
    private static final class Scratch {
        final float[] s = new float[BLOCK_Q * BLOCK_K], ds = new float[BLOCK_Q * BLOCK_K];
        /** A key block transposed: [d][BLOCK_K]. */
        final float[] kt, vt;
        final double[] e = new double[BLOCK_K];

        Scratch(CpuAttention.Plan p, boolean backward) {
            kt = new float[p.dk * BLOCK_K];
            vt = backward ? new float[p.dv * BLOCK_K] : null;
        }
    }

    /** Parallel over (batch, head, query block): each task owns its rows of out and lse. */
    static void forward(CpuAttention.Plan p, float[] q, float[] k, float[] v, float[] out, float[] lse) {
        forward(p, q, k, v, out, lse, CpuGemm.VECTOR);
    }

    /** {@link #forward} on the Vector API path or, with {@code vector} false, the scalar one. */
    static void forward(CpuAttention.Plan p, float[] q, float[] k, float[] v, float[] out, float[] lse, boolean vector) {
        int qBlocks = p.queryBlocks();
        CpuThreads.parallelFor(p.batch * p.heads * qBlocks, 1, (from, to) -> {
            Scratch w = new Scratch(p, false);
            float[] m = new float[BLOCK_Q], l = new float[BLOCK_Q], acc = new float[BLOCK_Q * p.dv];
            for (int t = from; t < to; t++) {
                forwardBlock(p, vector, t / qBlocks, (t % qBlocks) * BLOCK_Q, q, k, v, out, lse, w, m, l, acc);
            }
        });
    }

    private static void forwardBlock(CpuAttention.Plan p, boolean vector, int bh, int i0, float[] q, float[] k, float[] v,
                                     float[] out, float[] lse, Scratch w, float[] m, float[] l, float[] acc) {
        int b = bh / p.heads, dk = p.dk, dv = p.dv, pad = vector ? CpuAttentionVector.lanes() : 1;
        int rows = Math.min(BLOCK_Q, p.tq - i0);
        int qOff = (bh * p.tq + i0) * dk, kBase = bh * p.tk * dk, vBase = bh * p.tk * dv;
        float[] s = w.s, kt = w.kt;
        float scale = (float) p.scale;
        Arrays.fill(m, 0, rows, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0, rows, 0f);
        Arrays.fill(acc, 0, rows * dv, 0f);
        int kEnd = p.keyEnd(i0 + rows - 1);
        for (int j0 = 0; j0 < kEnd; j0 += BLOCK_K) {
            int cols = Math.min(BLOCK_K, kEnd - j0);
            transpose(k, kBase + j0 * dk, cols, dk, kt);
            for (int r0 = 0; r0 < rows; r0 += GROUP) {
                int g = Math.min(GROUP, rows - r0), n = roundUp(p.causalCols(i0 + r0 + g - 1, j0, cols), pad);
                mul(vector, g, n, dk, scale, false, q, qOff + r0 * dk, dk, 1, kt, 0, BLOCK_K, s, r0 * BLOCK_K, BLOCK_K);
            }
            for (int r = 0; r < rows; r++) {
                int i = i0 + r, row = r * BLOCK_K, vis = p.causalCols(i, j0, cols);
                if (p.ignored != null) {
                    for (int c = 0, m0 = b * p.tk + j0; c < vis; c++) if (p.ignored[m0 + c]) s[row + c] = Float.NEGATIVE_INFINITY;
                }
                float mx = vector ? CpuAttentionVector.rowMax(s, row, vis) : CpuAttentionScalar.rowMax(s, row, vis);
                if (mx == Float.NEGATIVE_INFINITY) {
                    // Nothing visible in this tile: it adds nothing, and exp(-inf - -inf) would be NaN.
                    Arrays.fill(s, row, row + cols, 0f);
                    continue;
                }
                float mNew = Math.max(m[r], mx);
                float corr = (float) Math.exp(m[r] - mNew);
                double sum = vector ? CpuAttentionVector.rowExp(s, row, vis, mNew, w.e) : CpuAttentionScalar.rowExp(s, row, vis, mNew, w.e);
                Arrays.fill(s, row + vis, row + cols, 0f);
                l[r] = (float) (l[r] * corr + sum);
                m[r] = mNew;
                if (corr != 1.0) for (int c = r * dv, e = c + dv; c < e; c++) acc[c] *= corr;
            }
            for (int r0 = 0; r0 < rows; r0 += GROUP) {
                int g = Math.min(GROUP, rows - r0), kk = p.causalCols(i0 + r0 + g - 1, j0, cols);
                mul(vector, g, dv, kk, 1f, true, s, r0 * BLOCK_K, BLOCK_K, 1, v, vBase + j0 * dv, dv, acc, r0 * dv, dv);
            }
        }
        int oOff = (bh * p.tq + i0) * dv, lOff = bh * p.tq + i0;
        for (int r = 0; r < rows; r++) {
            if (l[r] == 0.0) {
                Arrays.fill(out, oOff + r * dv, oOff + (r + 1) * dv, 0f);
                lse[lOff + r] = Float.NEGATIVE_INFINITY;
                continue;
            }
            float inv = 1f / l[r];
            for (int c = 0; c < dv; c++) out[oOff + r * dv + c] = acc[r * dv + c] * inv;
            lse[lOff + r] = (float) (m[r] + Math.log(l[r]));
        }
    }

    /** Parallel over (batch, head) only, so that each task alone accumulates its slices of dq, dk and dv. */
    static void backward(CpuAttention.Plan p, float[] q, float[] k, float[] v, float[] out, float[] lse,
                         float[] dOut, float[] dq, float[] dk, float[] dv) {
        backward(p, q, k, v, out, lse, dOut, dq, dk, dv, CpuGemm.VECTOR);
    }

    /** {@link #backward} on the Vector API path or, with {@code vector} false, the scalar one. */
    static void backward(CpuAttention.Plan p, float[] q, float[] k, float[] v, float[] out, float[] lse,
                         float[] dOut, float[] dq, float[] dk, float[] dv, boolean vector) {
        CpuThreads.parallelFor(p.batch * p.heads, 1, (from, to) -> {
            Scratch w = new Scratch(p, true);
            float[] delta = new float[p.tq];
            for (int bh = from; bh < to; bh++) backwardHead(p, vector, bh, q, k, v, out, lse, dOut, dq, dk, dv, w, delta);
        });
    }

    private static void backwardHead(CpuAttention.Plan p, boolean vector, int bh, float[] q, float[] k, float[] v,
                                     float[] out, float[] lse, float[] dOut, float[] dq, float[] dk, float[] dv,
                                     Scratch w, float[] delta) {
        int b = bh / p.heads, dkd = p.dk, dvd = p.dv, tq = p.tq, pad = vector ? CpuAttentionVector.lanes() : 1;
        int qBase = bh * tq * dkd, oBase = bh * tq * dvd, kBase = bh * p.tk * dkd, vBase = bh * p.tk * dvd, lBase = bh * tq;
        float[] s = w.s, ds = w.ds, kt = w.kt, vt = w.vt;
        float scale = (float) p.scale;
        for (int i = 0; i < tq; i++) {
            double acc = 0.0;
            for (int c = 0, o = oBase + i * dvd; c < dvd; c++) acc += dOut[o + c] * out[o + c];
            delta[i] = (float) acc;
        }
        for (int j0 = 0; j0 < p.tk; j0 += BLOCK_K) {
            int cols = Math.min(BLOCK_K, p.tk - j0);
            int kOff = kBase + j0 * dkd, vOff = vBase + j0 * dvd;
            // The first query block with a query that sees key j0; the earlier ones are causally hidden.
            int iFirst = p.causal ? (int) Math.max(0, Math.min(tq, (long) j0 - p.causalOffset)) : 0;
            if (iFirst >= tq) continue;
            transpose(k, kOff, cols, dkd, kt);
            transpose(v, vOff, cols, dvd, vt);
            for (int i0 = iFirst / BLOCK_Q * BLOCK_Q; i0 < tq; i0 += BLOCK_Q) {
                int rows = Math.min(BLOCK_Q, tq - i0);
                int qOff = qBase + i0 * dkd, oOff = oBase + i0 * dvd;
                for (int r0 = 0; r0 < rows; r0 += GROUP) {
                    int g = Math.min(GROUP, rows - r0), n = roundUp(p.causalCols(i0 + r0 + g - 1, j0, cols), pad);
                    mul(vector, g, n, dkd, scale, false, q, qOff + r0 * dkd, dkd, 1, kt, 0, BLOCK_K, s, r0 * BLOCK_K, BLOCK_K);
                    mul(vector, g, n, dvd, 1f, false, dOut, oOff + r0 * dvd, dvd, 1, vt, 0, BLOCK_K, ds, r0 * BLOCK_K, BLOCK_K);
                }
                for (int r = 0; r < rows; r++) {
                    int i = i0 + r, row = r * BLOCK_K, vis = p.causalCols(i, j0, cols);
                    float rowLse = lse[lBase + i];
                    if (rowLse == Float.NEGATIVE_INFINITY) vis = 0; // every key of the row is masked
                    if (vis > 0) {
                        if (vector) CpuAttentionVector.rowExp(s, row, vis, rowLse, w.e);
                        else CpuAttentionScalar.rowExp(s, row, vis, rowLse, w.e);
                        if (p.ignored != null) {
                            for (int c = 0, m0 = b * p.tk + j0; c < vis; c++) if (p.ignored[m0 + c]) s[row + c] = 0f;
                        }
                        if (vector) CpuAttentionVector.dsRow(s, ds, row, vis, delta[i]);
                        else CpuAttentionScalar.dsRow(s, ds, row, vis, delta[i]);
                    }
                    Arrays.fill(s, row + vis, row + cols, 0f);
                    Arrays.fill(ds, row + vis, row + cols, 0f);
                }
                // dV += P^T dO and dK += scale dS^T Q, in groups of keys from the first query that sees them.
                for (int c0 = 0; c0 < cols; c0 += GROUP) {
                    int g = Math.min(GROUP, cols - c0);
                    int p0 = p.causal ? (int) Math.max(0, Math.min(rows, (long) j0 + c0 - p.causalOffset - i0)) : 0;
                    if (p0 == rows) break;
                    mul(vector, g, dvd, rows - p0, 1f, true, s, p0 * BLOCK_K + c0, 1, BLOCK_K,
                            dOut, oOff + p0 * dvd, dvd, dv, vOff + c0 * dvd, dvd);
                    mul(vector, g, dkd, rows - p0, scale, true, ds, p0 * BLOCK_K + c0, 1, BLOCK_K,
                            q, qOff + p0 * dkd, dkd, dk, kOff + c0 * dkd, dkd);
                }
                for (int r0 = 0; r0 < rows; r0 += GROUP) {
                    int g = Math.min(GROUP, rows - r0), kk = p.causalCols(i0 + r0 + g - 1, j0, cols);
                    mul(vector, g, dkd, kk, scale, true, ds, r0 * BLOCK_K, BLOCK_K, 1, k, kOff, dkd, dq, qOff + r0 * dkd, dkd);
                }
            }
        }
    }

    private static void mul(boolean vector, int m, int n, int kk, float alpha, boolean add, float[] a, int aOff, int ars,
                            int aps, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (vector) CpuAttentionVector.mul(m, n, kk, alpha, add, a, aOff, ars, aps, b, bOff, ldb, c, cOff, ldc);
        else CpuAttentionScalar.mul(m, n, kk, alpha, add, a, aOff, ars, aps, b, bOff, ldb, c, cOff, ldc);
    }

    /** dst[c * BLOCK_K + j] = src[off + j * d + c]: rows [0, rows) of a [rows, d] block as columns. */
    private static void transpose(float[] src, int off, int rows, int d, float[] dst) {
        for (int j = 0; j < rows; j++) {
            for (int c = 0, o = off + j * d; c < d; c++) dst[c * BLOCK_K + j] = src[o + c];
        }
    }

    /** x rounded up to a multiple of q, at most {@link CpuAttention#BLOCK_K}. */
    private static int roundUp(int x, int q) {
        return Math.min(BLOCK_K, (x + q - 1) / q * q);
    }
}

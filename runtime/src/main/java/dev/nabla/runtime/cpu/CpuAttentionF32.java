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
 * <p>Masked (causal or padded) entries of P and dS are exact zeros and padded keys get zero gradients, so a
 * NaN in q, k, v or dOut reaches the outputs through visible entries only, except on the causal diagonal:
 * there dk and dv are accumulated for {@link #GROUP} keys at a time from the first row that sees the first
 * of them, so a NaN of a dOut or q row can also reach up to 3 keys past the last one that row sees (0 * NaN).
 * The old GEMM tiles let it reach every key of the 64 x 64 tile.
 */
final class CpuAttentionF32 {
    /** Rows of a tile per product call; the causal extent of the group is that of its last row. */
    static final int GROUP = 4;

    private CpuAttentionF32() {}

    /** The scratch of one worker. */
    private static final class Scratch {
        final float[] s = new float[BLOCK_Q * BLOCK_K], ds = new float[BLOCK_Q * BLOCK_K];
        /**
         * Keys transposed, [d][ktLd]: in backward one key block (ktLd = BLOCK_K), in forward the head's keys
         * so far (ktLd = tk rounded up to a block), kept while the worker's tasks stay on head ktHead.
         */
        final float[] kt, vt;
        final int ktLd;
        int ktHead = -1, ktKeys;
        /** Per row of the query block: visible keys of the tile, and the tile's row max / exp shift / sum. */
        final int[] vis = new int[BLOCK_Q];
        final float[] mx = new float[BLOCK_Q], shift = new float[BLOCK_Q], sum = new float[BLOCK_Q], corr = new float[BLOCK_Q];

        Scratch(CpuAttention.Plan p, boolean backward) {
            ktLd = backward ? BLOCK_K : (p.tk + BLOCK_K - 1) / BLOCK_K * BLOCK_K;
            kt = new float[p.dk * ktLd];
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
        int kEnd = p.keyEnd(i0 + rows - 1), ktLd = w.ktLd;
        if (w.ktHead != bh) {
            w.ktHead = bh;
            w.ktKeys = 0;
        }
        if (w.ktKeys < kEnd) { // the query blocks of a head share its transposed keys
            transpose(vector, k, kBase + w.ktKeys * dk, kEnd - w.ktKeys, dk, kt, w.ktKeys, ktLd);
            w.ktKeys = kEnd;
        }
        for (int j0 = 0; j0 < kEnd; j0 += BLOCK_K) {
            int cols = Math.min(BLOCK_K, kEnd - j0);
            for (int r0 = 0; r0 < rows; r0 += GROUP) {
                int g = Math.min(GROUP, rows - r0), n = roundUp(p.causalCols(i0 + r0 + g - 1, j0, cols), pad);
                mul(vector, g, n, dk, scale, false, q, qOff + r0 * dk, dk, 1, kt, j0, ktLd, s, r0 * BLOCK_K, BLOCK_K);
            }
            int[] vis = w.vis;
            for (int r = 0; r < rows; r++) {
                vis[r] = p.causalCols(i0 + r, j0, cols);
                if (p.ignored != null) {
                    for (int c = 0, row = r * BLOCK_K, m0 = b * p.tk + j0; c < vis[r]; c++) {
                        if (p.ignored[m0 + c]) s[row + c] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            if (vector) CpuAttentionVector.rowMaxes(s, BLOCK_K, rows, vis, w.mx);
            else CpuAttentionScalar.rowMaxes(s, BLOCK_K, rows, vis, w.mx);
            for (int r = 0; r < rows; r++) {
                float mx = w.mx[r];
                if (mx == Float.NEGATIVE_INFINITY) {
                    // Nothing visible in this tile: it adds nothing, and exp(-inf - -inf) would be NaN.
                    vis[r] = 0;
                    w.shift[r] = 0f;
                    continue;
                }
                w.shift[r] = Math.max(m[r], mx);
                w.corr[r] = (float) Math.exp(m[r] - w.shift[r]);
            }
            if (vector) CpuAttentionVector.expRows(s, BLOCK_K, rows, vis, w.shift, 0, w.sum);
            else CpuAttentionScalar.expRows(s, BLOCK_K, rows, vis, w.shift, 0, w.sum);
            for (int r = 0; r < rows; r++) {
                int row = r * BLOCK_K;
                Arrays.fill(s, row + vis[r], row + cols, 0f);
                if (vis[r] == 0) continue;
                float corr = w.corr[r];
                l[r] = l[r] * corr + w.sum[r];
                m[r] = w.shift[r];
                if (corr != 1f) for (int c = r * dv, e = c + dv; c < e; c++) acc[c] *= corr;
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

    /**
     * Parallel over (batch, head) only, so that each task alone accumulates its slices of dq, dk and dv; it
     * writes every element of them, so they need not come zeroed.
     */
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
        // dq, dk and dv are written, not added to, where a product first reaches them (zeroing them first
        // cost a pass over cold memory, ~7% at [32,4,64,32]); what no product reaches is zeroed.
        int iFirst0 = p.causal ? firstQuery(p, 0, 0, tq) : 0, qDone = p.tk == 0 ? tq : iFirst0 / BLOCK_Q * BLOCK_Q;
        Arrays.fill(dq, qBase, qBase + qDone * dkd, 0f);
        if (vector) CpuAttentionVector.rowDots(dOut, out, oBase, tq, dvd, delta);
        else CpuAttentionScalar.rowDots(dOut, out, oBase, tq, dvd, delta);
        for (int j0 = 0; j0 < p.tk; j0 += BLOCK_K) {
            int cols = Math.min(BLOCK_K, p.tk - j0);
            int kOff = kBase + j0 * dkd, vOff = vBase + j0 * dvd;
            // The first query block with a query that sees key j0; the earlier ones are causally hidden.
            int iFirst = p.causal ? firstQuery(p, j0, 0, tq) : 0;
            if (iFirst >= tq) {
                Arrays.fill(dk, kOff, kOff + cols * dkd, 0f);
                Arrays.fill(dv, vOff, vOff + cols * dvd, 0f);
                continue;
            }
            int keysDone = 0; // keys [0, keysDone) of the block already hold a sum
            transpose(vector, k, kOff, cols, dkd, kt, 0, BLOCK_K);
            transpose(vector, v, vOff, cols, dvd, vt, 0, BLOCK_K);
            for (int i0 = iFirst / BLOCK_Q * BLOCK_Q; i0 < tq; i0 += BLOCK_Q) {
                int rows = Math.min(BLOCK_Q, tq - i0);
                int qOff = qBase + i0 * dkd, oOff = oBase + i0 * dvd;
                for (int r0 = 0; r0 < rows; r0 += GROUP) {
                    int g = Math.min(GROUP, rows - r0), n = roundUp(p.causalCols(i0 + r0 + g - 1, j0, cols), pad);
                    mul(vector, g, n, dkd, scale, false, q, qOff + r0 * dkd, dkd, 1, kt, 0, BLOCK_K, s, r0 * BLOCK_K, BLOCK_K);
                    mul(vector, g, n, dvd, 1f, false, dOut, oOff + r0 * dvd, dvd, 1, vt, 0, BLOCK_K, ds, r0 * BLOCK_K, BLOCK_K);
                }
                int[] vis = w.vis;
                for (int r = 0; r < rows; r++) {
                    // A row whose every key is masked has lse -inf, and probabilities of zero.
                    vis[r] = lse[lBase + i0 + r] == Float.NEGATIVE_INFINITY ? 0 : p.causalCols(i0 + r, j0, cols);
                }
                if (vector) {
                    CpuAttentionVector.expRows(s, BLOCK_K, rows, vis, lse, lBase + i0, null);
                    CpuAttentionVector.dsRows(s, ds, BLOCK_K, rows, vis, delta, i0);
                } else {
                    CpuAttentionScalar.expRows(s, BLOCK_K, rows, vis, lse, lBase + i0, null);
                    CpuAttentionScalar.dsRows(s, ds, BLOCK_K, rows, vis, delta, i0);
                }
                for (int r = 0; r < rows; r++) {
                    int row = r * BLOCK_K;
                    if (p.ignored != null) {
                        for (int c = 0, m0 = b * p.tk + j0; c < vis[r]; c++) {
                            if (p.ignored[m0 + c]) s[row + c] = ds[row + c] = 0f;
                        }
                    }
                    Arrays.fill(s, row + vis[r], row + cols, 0f);
                    Arrays.fill(ds, row + vis[r], row + cols, 0f);
                }
                // dV += P^T dO and dK += scale dS^T Q, in groups of keys from the first query that sees the
                // group's first key. The group's other keys read the zeros of P and dS on up to 3 rows that do
                // not see them (so 0 * NaN can carry a NaN of dO or q there); per-key calls cost ~10%.
                int c0 = 0;
                for (; c0 < cols; c0 += GROUP) { // the first query of a group's key only grows with c0
                    int g = Math.min(GROUP, cols - c0), p0 = p.causal ? firstQuery(p, j0 + c0, i0, rows) : 0;
                    if (p0 == rows) break;
                    boolean add = c0 < keysDone;
                    mul(vector, g, dvd, rows - p0, 1f, add, s, p0 * BLOCK_K + c0, 1, BLOCK_K,
                            dOut, oOff + p0 * dvd, dvd, dv, vOff + c0 * dvd, dvd);
                    mul(vector, g, dkd, rows - p0, scale, add, ds, p0 * BLOCK_K + c0, 1, BLOCK_K,
                            q, qOff + p0 * dkd, dkd, dk, kOff + c0 * dkd, dkd);
                }
                keysDone = Math.max(keysDone, Math.min(c0, cols));
                // Every query block from iFirst0's is first reached by the key block at 0, every row of it.
                for (int r0 = 0; r0 < rows; r0 += GROUP) {
                    int g = Math.min(GROUP, rows - r0), kk = p.causalCols(i0 + r0 + g - 1, j0, cols);
                    mul(vector, g, dkd, kk, scale, j0 > 0, ds, r0 * BLOCK_K, BLOCK_K, 1, k, kOff, dkd, dq, qOff + r0 * dkd, dkd);
                }
            }
            Arrays.fill(dk, kOff + keysDone * dkd, kOff + cols * dkd, 0f);
            Arrays.fill(dv, vOff + keysDone * dvd, vOff + cols * dvd, 0f);
        }
        if (p.ignored != null) {
            // A padded key is seen by no query: its gradients are zero (the products may have added 0 * NaN).
            for (int j = 0; j < p.tk; j++) {
                if (!p.ignored[b * p.tk + j]) continue;
                Arrays.fill(dk, kBase + j * dkd, kBase + (j + 1) * dkd, 0f);
                Arrays.fill(dv, vBase + j * dvd, vBase + (j + 1) * dvd, 0f);
            }
        }
    }

    /** The first row of the query block at i0 (of {@code rows}) that causally sees key j; rows if none. */
    private static int firstQuery(CpuAttention.Plan p, int j, int i0, int rows) {
        return (int) Math.max(0, Math.min(rows, (long) j - p.causalOffset - i0));
    }

    private static void mul(boolean vector, int m, int n, int kk, float alpha, boolean add, float[] a, int aOff, int ars,
                            int aps, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (vector) CpuAttentionVector.mul(m, n, kk, alpha, add, a, aOff, ars, aps, b, bOff, ldb, c, cOff, ldc);
        else CpuAttentionScalar.mul(m, n, kk, alpha, add, a, aOff, ars, aps, b, bOff, ldb, c, cOff, ldc);
    }

    private static void transpose(boolean vector, float[] src, int off, int rows, int d, float[] dst, int j0, int ld) {
        if (vector) CpuAttentionVector.transpose(src, off, rows, d, dst, j0, ld);
        else CpuAttentionScalar.transpose(src, off, rows, d, dst, j0, ld);
    }

    /** x rounded up to a multiple of q, at most {@link CpuAttention#BLOCK_K}. */
    private static int roundUp(int x, int q) {
        return Math.min(BLOCK_K, (x + q - 1) / q * q);
    }
}

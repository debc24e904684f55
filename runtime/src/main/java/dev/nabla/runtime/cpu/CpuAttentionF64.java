package dev.nabla.runtime.cpu;

import java.util.Arrays;

import static dev.nabla.runtime.cpu.CpuAttention.BLOCK_K;
import static dev.nabla.runtime.cpu.CpuAttention.BLOCK_Q;

/** The FLOAT64 loops of {@link CpuAttention}; {@link CpuAttentionF32} mirrors them on float[]. */
final class CpuAttentionF64 {
    private CpuAttentionF64() {}

    /** Parallel over (batch, head, query block): each task owns its rows of out and lse. */
    static void forward(CpuAttention.Plan p, double[] q, double[] k, double[] v, double[] out, double[] lse) {
        int qBlocks = p.queryBlocks();
        CpuThreads.parallelFor(p.batch * p.heads * qBlocks, 1, (from, to) -> {
            double[] s = new double[BLOCK_Q * BLOCK_K];
            double[] m = new double[BLOCK_Q];
            double[] l = new double[BLOCK_Q];
            double[] acc = new double[BLOCK_Q * p.dv];
            for (int t = from; t < to; t++) {
                forwardBlock(p, t / qBlocks, (t % qBlocks) * BLOCK_Q, q, k, v, out, lse, s, m, l, acc);
            }
        });
    }

    private static void forwardBlock(CpuAttention.Plan p, int bh, int i0, double[] q, double[] k, double[] v,
                                     double[] out, double[] lse, double[] s, double[] m, double[] l, double[] acc) {
        int b = bh / p.heads, dk = p.dk, dv = p.dv;
        int rows = Math.min(BLOCK_Q, p.tq - i0);
        int qOff = (bh * p.tq + i0) * dk, kBase = bh * p.tk * dk, vBase = bh * p.tk * dv;
        Arrays.fill(m, 0, rows, Double.NEGATIVE_INFINITY);
        Arrays.fill(l, 0, rows, 0.0);
        Arrays.fill(acc, 0, rows * dv, 0.0);
        int kEnd = p.keyEnd(i0 + rows - 1);
        for (int j0 = 0; j0 < kEnd; j0 += BLOCK_K) {
            int cols = Math.min(BLOCK_K, kEnd - j0);
            CpuGemm.dgemm(false, true, rows, cols, dk, p.scale, q, qOff, dk, k, kBase + j0 * dk, dk, 0.0, s, 0, cols);
            for (int r = 0; r < rows; r++) {
                int i = i0 + r, row = r * cols, vis = p.causalCols(i, j0, cols);
                double mx = Double.NEGATIVE_INFINITY;
                if (p.ignored == null) {
                    for (int c = 0; c < vis; c++) if (s[row + c] > mx) mx = s[row + c];
                } else {
                    for (int c = 0, m0 = b * p.tk + j0; c < vis; c++) {
                        if (p.ignored[m0 + c]) s[row + c] = Double.NEGATIVE_INFINITY;
                        else if (s[row + c] > mx) mx = s[row + c];
                    }
                }
                if (mx == Double.NEGATIVE_INFINITY) {
                    // Nothing visible in this tile: it adds nothing, and exp(-inf - -inf) would be NaN.
                    Arrays.fill(s, row, row + cols, 0.0);
                    continue;
                }
                double mNew = Math.max(m[r], mx);
                double corr = Math.exp(m[r] - mNew);
                double sum = 0.0;
                Arrays.fill(s, row + vis, row + cols, 0.0);
                for (int c = 0; c < vis; c++) {
                    double e = Math.exp(s[row + c] - mNew);
                    s[row + c] = e;
                    sum += e;
                }
                l[r] = l[r] * corr + sum;
                m[r] = mNew;
                if (corr != 1.0) for (int c = r * dv, e = c + dv; c < e; c++) acc[c] *= corr;
            }
            CpuGemm.dgemm(false, false, rows, dv, cols, 1.0, s, 0, cols, v, vBase + j0 * dv, dv, 1.0, acc, 0, dv);
        }
        int oOff = (bh * p.tq + i0) * dv, lOff = bh * p.tq + i0;
        for (int r = 0; r < rows; r++) {
            if (l[r] == 0.0) {
                Arrays.fill(out, oOff + r * dv, oOff + (r + 1) * dv, 0.0);
                lse[lOff + r] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double inv = 1.0 / l[r];
            for (int c = 0; c < dv; c++) out[oOff + r * dv + c] = acc[r * dv + c] * inv;
            lse[lOff + r] = m[r] + Math.log(l[r]);
        }
    }

    /** Parallel over (batch, head) only, so that each task alone accumulates its slices of dq, dk and dv. */
    static void backward(CpuAttention.Plan p, double[] q, double[] k, double[] v, double[] out, double[] lse,
                         double[] dOut, double[] dq, double[] dk, double[] dv) {
        CpuThreads.parallelFor(p.batch * p.heads, 1, (from, to) -> {
            double[] s = new double[BLOCK_Q * BLOCK_K];
            double[] ds = new double[BLOCK_Q * BLOCK_K];
            double[] delta = new double[p.tq];
            for (int bh = from; bh < to; bh++) backwardHead(p, bh, q, k, v, out, lse, dOut, dq, dk, dv, s, ds, delta);
        });
    }

    private static void backwardHead(CpuAttention.Plan p, int bh, double[] q, double[] k, double[] v, double[] out,
                                     double[] lse, double[] dOut, double[] dq, double[] dk, double[] dv,
                                     double[] s, double[] ds, double[] delta) {
        int b = bh / p.heads, dkd = p.dk, dvd = p.dv, tq = p.tq;
        int qBase = bh * tq * dkd, oBase = bh * tq * dvd, kBase = bh * p.tk * dkd, vBase = bh * p.tk * dvd, lBase = bh * tq;
        for (int i = 0; i < tq; i++) {
            double acc = 0.0;
            for (int c = 0, o = oBase + i * dvd; c < dvd; c++) acc += dOut[o + c] * out[o + c];
            delta[i] = acc;
        }
        for (int j0 = 0; j0 < p.tk; j0 += BLOCK_K) {
            int cols = Math.min(BLOCK_K, p.tk - j0);
            int kOff = kBase + j0 * dkd, vOff = vBase + j0 * dvd;
            for (int i0 = 0; i0 < tq; i0 += BLOCK_Q) {
                int rows = Math.min(BLOCK_Q, tq - i0);
                if (p.keyEnd(i0 + rows - 1) <= j0) continue; // the whole tile is causally hidden
                int qOff = qBase + i0 * dkd, oOff = oBase + i0 * dvd;
                CpuGemm.dgemm(false, true, rows, cols, dkd, p.scale, q, qOff, dkd, k, kOff, dkd, 0.0, s, 0, cols);
                for (int r = 0; r < rows; r++) {
                    int i = i0 + r, row = r * cols;
                    double rowLse = lse[lBase + i];
                    if (rowLse == Double.NEGATIVE_INFINITY) {
                        Arrays.fill(s, row, row + cols, 0.0);
                        continue;
                    }
                    int vis = p.causalCols(i, j0, cols);
                    if (p.ignored == null) {
                        for (int c = 0; c < vis; c++) s[row + c] = Math.exp(s[row + c] - rowLse);
                    } else {
                        for (int c = 0, m0 = b * p.tk + j0; c < vis; c++) s[row + c] = p.ignored[m0 + c] ? 0.0 : Math.exp(s[row + c] - rowLse);
                    }
                    Arrays.fill(s, row + vis, row + cols, 0.0);
                }
                CpuGemm.dgemm(true, false, cols, dvd, rows, 1.0, s, 0, cols, dOut, oOff, dvd, 1.0, dv, vOff, dvd);
                CpuGemm.dgemm(false, true, rows, cols, dvd, 1.0, dOut, oOff, dvd, v, vOff, dvd, 0.0, ds, 0, cols);
                for (int r = 0; r < rows; r++) {
                    double d = delta[i0 + r];
                    for (int c = r * cols, e = c + cols; c < e; c++) ds[c] = s[c] * (ds[c] - d);
                }
                CpuGemm.dgemm(false, false, rows, dkd, cols, p.scale, ds, 0, cols, k, kOff, dkd, 1.0, dq, qOff, dkd);
                CpuGemm.dgemm(true, false, cols, dkd, rows, p.scale, ds, 0, cols, q, qOff, dkd, 1.0, dk, kOff, dkd);
            }
        }
    }
}

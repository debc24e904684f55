package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.CrossEntropyResult;
import dev.nabla.runtime.backend.LossKernels;

/**
 * Fused log-softmax + NLL per row. With label smoothing s the row loss is
 * {@code lse - (1 - s) x[label] - (s / c) sum_j x_j}, and the gradient {@code dLoss (softmax - target)}.
 *
 * <p>float32 runs blocks of rows through the attention's softmax row kernels ({@link CpuAttentionVector} on the
 * Vector API, else {@link CpuAttentionScalar}): rows copied into a scratch padded to whole vectors, row maxima,
 * then exp and row sums in one pass; the exp is float's own (within 1 ulp) and the sums float lanes, as PyTorch's
 * float log-softmax. A {@code Math.exp} per element cost about 2 ms a call on a [2048, 96] batch. float64 keeps
 * the double loops.
 */
final class CpuLoss implements LossKernels {
    /** Rows per block of the float32 path: a scratch of 64 padded rows stays in L1/L2 for class counts up to ~1000. */
    private static final int BLOCK_ROWS = 64;

    @Override public CrossEntropyResult crossEntropy(Buffer logits, Buffer labels, int n, int c, long ignoreIndex,
                                                     double labelSmoothing) {
        CpuBuffer x = CpuBuffer.of(logits, "cross_entropy"), y = CpuBuffer.of(labels, "cross_entropy");
        CpuBuffer loss = CpuBackend.alloc(x.dtype, n), lse = CpuBackend.alloc(x.dtype, n);
        double s = labelSmoothing;
        if (x.dtype == DType.FLOAT32 && c > 0) {
            CpuThreads.parallelFor(blocks(n), Math.max(1, 4096 / (BLOCK_ROWS * c)), (from, to) -> {
                Rows w = new Rows(c);
                for (int blk = from; blk < to; blk++) {
                    int r0 = blk * BLOCK_ROWS, rows = Math.min(BLOCK_ROWS, n - r0);
                    w.load(x.f, r0, rows, c);
                    if (CpuGemm.VECTOR) {
                        CpuAttentionVector.rowMaxes(w.s, w.ld, rows, w.vis, w.mx);
                        CpuAttentionVector.expRows(w.s, w.ld, rows, w.vis, w.mx, 0, w.sum);
                    } else {
                        CpuAttentionScalar.rowMaxes(w.s, w.ld, rows, w.vis, w.mx);
                        CpuAttentionScalar.expRows(w.s, w.ld, rows, w.vis, w.mx, 0, w.sum);
                    }
                    for (int i = 0; i < rows; i++) {
                        int r = r0 + i, off = r * c;
                        // rowMaxes skips NaNs; a NaN logit still makes its row's sum, and so the loss, NaN.
                        double l = (double) w.mx[i] + Math.log(w.sum[i]);
                        lse.f[r] = (float) l;
                        long label = y.getLong(r);
                        if (label == ignoreIndex) {
                            loss.f[r] = 0f;
                            continue;
                        }
                        int k = checkLabel(label, r, c);
                        double total = 0;
                        if (s != 0) for (int j = 0; j < c; j++) total += x.f[off + j];
                        loss.f[r] = (float) (l - (1 - s) * x.f[off + k] - (s / c) * total);
                    }
                }
            });
            return new CrossEntropyResult(loss, lse);
        }
        CpuThreads.parallelFor(n, Math.max(1, 4096 / Math.max(1, c)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * c;
                double max = Double.NEGATIVE_INFINITY, total = 0;
                if (x.dtype == DType.FLOAT32) {
                    for (int j = 0; j < c; j++) max = Math.max(max, x.f[off + j]);
                    double sum = 0;
                    for (int j = 0; j < c; j++) {
                        sum += Math.exp(x.f[off + j] - max);
                        total += x.f[off + j];
                    }
                    max += Math.log(sum);
                } else {
                    for (int j = 0; j < c; j++) max = Math.max(max, x.d[off + j]);
                    double sum = 0;
                    for (int j = 0; j < c; j++) {
                        sum += Math.exp(x.d[off + j] - max);
                        total += x.d[off + j];
                    }
                    max += Math.log(sum);
                }
                lse.set(r, max);
                long label = y.getLong(r);
                if (label == ignoreIndex) {
                    loss.set(r, 0.0);
                    continue;
                }
                int k = checkLabel(label, r, c);
                double picked = x.dtype == DType.FLOAT32 ? x.f[off + k] : x.d[off + k];
                loss.set(r, max - (1 - s) * picked - (s / c) * total);
            }
        });
        return new CrossEntropyResult(loss, lse);
    }

    @Override public Buffer crossEntropyBackward(Buffer logits, Buffer labels, Buffer logSumExp, Buffer dLoss, int n, int c,
                                                 long ignoreIndex, double labelSmoothing) {
        CpuBuffer x = CpuBuffer.of(logits, "cross_entropy backward"), y = CpuBuffer.of(labels, "cross_entropy backward");
        CpuBuffer lse = CpuBuffer.of(logSumExp, "cross_entropy backward"), g = CpuBuffer.of(dLoss, "cross_entropy backward");
        // written whole: ignored rows get their zeros below (a zeroed buffer cost 2048 x 96 logits a serial fill)
        CpuBuffer dx = CpuBackend.allocUninitialized(x.dtype, x.size);
        double s = labelSmoothing, off = s / c;
        if (x.dtype == DType.FLOAT32 && lse.dtype == DType.FLOAT32 && c > 0) {
            CpuThreads.parallelFor(blocks(n), Math.max(1, 4096 / (BLOCK_ROWS * c)), (from, to) -> {
                Rows w = new Rows(c);
                for (int blk = from; blk < to; blk++) {
                    int r0 = blk * BLOCK_ROWS, rows = Math.min(BLOCK_ROWS, n - r0);
                    w.load(x.f, r0, rows, c);
                    // softmax = exp(x - lse), the row's log-sum-exp from the forward
                    if (CpuGemm.VECTOR) CpuAttentionVector.expRows(w.s, w.ld, rows, w.vis, lse.f, r0, null);
                    else CpuAttentionScalar.expRows(w.s, w.ld, rows, w.vis, lse.f, r0, null);
                    // float32 arithmetic, as the rest of the float32 path: the loop then vectorises (in double, with
                    // a conversion per element, it took 2% of a Transformer training step for 2048 x 96 logits)
                    float[] d = dx.f, sm = w.s;
                    float offF = (float) off, hit = (float) (1 - s);
                    for (int i = 0; i < rows; i++) {
                        int r = r0 + i, base = r * c, so = i * w.ld;
                        long label = y.getLong(r);
                        if (label == ignoreIndex) {
                            java.util.Arrays.fill(d, base, base + c, 0f);
                            continue;
                        }
                        int k = checkLabel(label, r, c);
                        float gr = (float) g.get(r);
                        for (int j = 0; j < c; j++) d[base + j] = gr * (sm[so + j] - offF);
                        d[base + k] = gr * (sm[so + k] - offF - hit);
                    }
                }
            });
            return dx;
        }
        CpuThreads.parallelFor(n, Math.max(1, 4096 / Math.max(1, c)), (from, to) -> {
            for (int r = from; r < to; r++) {
                long label = y.getLong(r);
                if (label == ignoreIndex) {
                    if (x.dtype == DType.FLOAT32) java.util.Arrays.fill(dx.f, r * c, r * c + c, 0f);
                    else java.util.Arrays.fill(dx.d, r * c, r * c + c, 0.0);
                    continue;
                }
                int k = checkLabel(label, r, c), base = r * c;
                double gr = g.get(r), l = lse.get(r);
                if (x.dtype == DType.FLOAT32) {
                    for (int j = 0; j < c; j++) dx.f[base + j] = (float) (gr * (Math.exp(x.f[base + j] - l) - off));
                    dx.f[base + k] = (float) (gr * (Math.exp(x.f[base + k] - l) - off - (1 - s)));
                } else {
                    for (int j = 0; j < c; j++) dx.d[base + j] = gr * (Math.exp(x.d[base + j] - l) - off);
                    dx.d[base + k] -= gr * (1 - s);
                }
            }
        });
        return dx;
    }

    private static int blocks(int n) {
        return (n + BLOCK_ROWS - 1) / BLOCK_ROWS;
    }

    /** One thread's scratch for a block of rows, each padded to whole vectors as the row kernels need. */
    private static final class Rows {
        final int ld;
        final float[] s, mx = new float[BLOCK_ROWS], sum = new float[BLOCK_ROWS];
        final int[] vis = new int[BLOCK_ROWS];

        Rows(int c) {
            int lanes = CpuGemm.VECTOR ? CpuAttentionVector.lanes() : 1;
            ld = (c + lanes - 1) / lanes * lanes;
            s = new float[BLOCK_ROWS * ld];
        }

        void load(float[] x, int r0, int rows, int c) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(x, (r0 + i) * c, s, i * ld, c);
                vis[i] = c;
            }
        }
    }

    /** The op layer validates labels first; this guards direct kernel calls. */
    private static int checkLabel(long label, int row, int c) {
        if (label < 0 || label >= c) {
            throw new InvalidArgumentException("cross_entropy: label " + label + " at row " + row
                    + " is out of range for " + c + " classes (expected 0 <= label < " + c + ")");
        }
        return (int) label;
    }
}

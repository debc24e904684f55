package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.CrossEntropyResult;
import dev.nabla.runtime.backend.LossKernels;

/**
 * Fused log-softmax + NLL per row. With label smoothing s the row loss is
 * {@code lse - (1 - s) x[label] - (s / c) sum_j x_j}, and the gradient {@code dLoss (softmax - target)}.
 */
final class CpuLoss implements LossKernels {

    @Override public CrossEntropyResult crossEntropy(Buffer logits, Buffer labels, int n, int c, long ignoreIndex,
                                                     double labelSmoothing) {
        CpuBuffer x = CpuBuffer.of(logits, "cross_entropy"), y = CpuBuffer.of(labels, "cross_entropy");
        CpuBuffer loss = CpuBackend.alloc(x.dtype, n), lse = CpuBackend.alloc(x.dtype, n);
        double s = labelSmoothing;
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
        CpuBuffer dx = CpuBackend.alloc(x.dtype, x.size);
        double s = labelSmoothing, off = s / c;
        CpuThreads.parallelFor(n, Math.max(1, 4096 / Math.max(1, c)), (from, to) -> {
            for (int r = from; r < to; r++) {
                long label = y.getLong(r);
                if (label == ignoreIndex) continue; // zeros from alloc
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

    /** The op layer validates labels first; this guards direct kernel calls. */
    private static int checkLabel(long label, int row, int c) {
        if (label < 0 || label >= c) {
            throw new InvalidArgumentException("cross_entropy: label " + label + " at row " + row
                    + " is out of range for " + c + " classes (expected 0 <= label < " + c + ")");
        }
        return (int) label;
    }
}

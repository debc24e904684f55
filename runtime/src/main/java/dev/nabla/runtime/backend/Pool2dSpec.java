package dev.nabla.runtime.backend;

/**
 * A 2-D pooling window over NCHW input {@code [n, c, h, w]}. Padding counts as -inf for max pooling;
 * for average pooling it counts in the divisor only when {@code countIncludePad} (PyTorch's default).
 */
public record Pool2dSpec(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW,
                         int padH, int padW, boolean countIncludePad) {
    public int outH() { return (h + 2 * padH - kh) / strideH + 1; }

    public int outW() { return (w + 2 * padW - kw) / strideW + 1; }
}

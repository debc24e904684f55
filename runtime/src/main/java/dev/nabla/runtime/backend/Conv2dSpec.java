package dev.nabla.runtime.backend;

/**
 * A 2-D convolution over NCHW input {@code [n, cIn, h, w]} with weight {@code [cOut, cIn/groups, kh, kw]},
 * giving {@code [n, cOut, outH(), outW()]} (PyTorch's cross-correlation convention).
 */
public record Conv2dSpec(int n, int cIn, int h, int w, int cOut, int kh, int kw,
                         int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    public int outH() { return (h + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1; }

    public int outW() { return (w + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1; }
}

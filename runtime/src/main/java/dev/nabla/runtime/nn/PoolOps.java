package dev.nabla.runtime.nn;

import dev.nabla.runtime.Tensor;

/** 2-D max and average pooling over NCHW input. */
public final class PoolOps {
    private PoolOps() {}

    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) { throw new UnsupportedOperationException("not implemented yet"); }
}

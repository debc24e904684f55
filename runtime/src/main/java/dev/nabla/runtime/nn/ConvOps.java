package dev.nabla.runtime.nn;

import dev.nabla.runtime.Tensor;

/** conv2d (stride, padding, dilation, groups, bias) with both backward passes. */
public final class ConvOps {
    private ConvOps() {}

    /** x [n, cIn, h, w], weight [cOut, cIn/groups, kh, kw], bias [cOut] or null; stride/padding/dilation are {h, w}. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) { throw new UnsupportedOperationException("not implemented yet"); }
}

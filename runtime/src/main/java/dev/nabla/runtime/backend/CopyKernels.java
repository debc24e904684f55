package dev.nabla.runtime.backend;

import dev.nabla.runtime.Shape;

/**
 * Layout changes as strided copies: permute, transpose, expand (stride 0), slice (offset + strides),
 * pad and concat (writes into a strided region) are all one of these two kernels.
 */
public interface CopyKernels {
    /** out[i...] = src[offset + sum(i_d * strides[d])], out contiguous with shape {@code out}. */
    Buffer stridedCopy(Buffer src, long offset, long[] strides, Shape out);

    /** dst[offset + sum(i_d * strides[d])] = src[i...] for every index of {@code srcShape}. */
    void stridedWrite(Buffer dst, long offset, long[] strides, Buffer src, Shape srcShape);
}

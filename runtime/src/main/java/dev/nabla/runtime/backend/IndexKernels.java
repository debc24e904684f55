package dev.nabla.runtime.backend;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Shape;

/** Indexing. Index buffers are INT32 or INT64; an index out of range throws naming the op. */
public interface IndexKernels {
    /** Picks {@code index.size()} slices of {@code x} along {@code axis} (embedding lookup is axis 0). */
    Buffer indexSelect(Buffer x, Shape shape, int axis, Buffer index);

    /** The backward of indexSelect: zeros of {@code outShape} with src's slices added at their indices. */
    Buffer indexAdd(Shape outShape, DType dtype, int axis, Buffer index, Buffer src);

    /** torch.gather: out[..i..] = x[..index[..i..]..] along axis; out has index's shape. */
    Buffer gather(Buffer x, Shape shape, int axis, Buffer index, Shape indexShape);

    /** The backward of gather: zeros of {@code outShape} with src scatter-added along axis. */
    Buffer scatterAdd(Shape outShape, DType dtype, int axis, Buffer index, Shape indexShape, Buffer src);

    /** [index.size(), numClasses] of 0/1 in {@code dtype}. */
    Buffer oneHot(Buffer index, int numClasses, DType dtype);
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Tensor;

/** Indexing: gather, index-select, embedding lookup (with scatter-add backward), one-hot. */
public final class IndexOps {
    private IndexOps() {}

    public static Tensor gather(Tensor x, int axis, Tensor index) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor indexSelect(Tensor x, int axis, Tensor index) { throw new UnsupportedOperationException("not implemented yet"); }
    /** Rows of {@code weight [num, dim]} for integer {@code indices} of any shape: result indices.shape + [dim]. */
    public static Tensor embedding(Tensor weight, Tensor indices) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor oneHot(Tensor index, int numClasses, DType dtype) { throw new UnsupportedOperationException("not implemented yet"); }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.ArgReduceOp;
import dev.nabla.runtime.backend.ReduceOp;

/** Reductions and their backward rules. */
public final class ReduceOps {
    private ReduceOps() {}

    /** Reduces over {@code axes} (null or empty: all axes). */
    public static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDim) { throw new UnsupportedOperationException("not implemented yet"); }

    /** INT64 index of the max/min along one axis. */
    public static Tensor argReduce(ArgReduceOp op, Tensor x, int axis, boolean keepDim) { throw new UnsupportedOperationException("not implemented yet"); }

    public static Tensor variance(Tensor x, int[] axes, boolean unbiased, boolean keepDim) { throw new UnsupportedOperationException("not implemented yet"); }

    /** Sums a broadcast gradient back down to {@code target} (the input's shape before broadcasting). */
    public static Tensor sumToShape(Tensor g, Shape target) { throw new UnsupportedOperationException("not implemented yet"); }
}

package dev.nabla.runtime.backend;

import dev.nabla.runtime.Shape;

/** Reductions. Results keep the reduced dims with size 1; the op layer squeezes them when asked. */
public interface ReduceKernels {
    /** Reduces {@code x} over {@code axes} (sorted, distinct, non-negative). */
    Buffer reduce(ReduceOp op, Buffer x, Shape shape, int[] axes);

    /** INT64 indices of the max / min along {@code axis}; ties pick the first. */
    Buffer argReduce(ArgReduceOp op, Buffer x, Shape shape, int axis);
}

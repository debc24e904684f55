package dev.nabla.trainers.data;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Shape;

/**
 * Examples addressed by index. An example is an input of {@link #inputShape()} and a target of
 * {@link #targetShape()} ({@code []} for a class label). {@link #read} writes one example into caller
 * arrays so a loader can assemble batches without per-example allocation.
 */
public interface Dataset {
    int size();

    Shape inputShape();

    Shape targetShape();

    /** INT64 for class labels, FLOAT32 for regression targets. */
    DType targetDType();

    /** Writes example {@code index} into {@code input[inputOffset..]} and {@code target[targetOffset..]}. */
    void read(int index, float[] input, int inputOffset, float[] target, int targetOffset);
}

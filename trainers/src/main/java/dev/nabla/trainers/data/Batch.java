package dev.nabla.trainers.data;

import dev.nabla.runtime.Tensor;

/** One mini-batch: inputs {@code [b, inputShape...]} and targets {@code [b, targetShape...]}. Close it when done. */
public record Batch(Tensor inputs, Tensor targets) implements AutoCloseable {
    public int size() { return inputs.dim(0); }

    @Override public void close() {
        inputs.close();
        targets.close();
    }
}

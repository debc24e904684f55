package dev.nabla.trainers.metrics;

import dev.nabla.runtime.Tensor;

/**
 * A value accumulated over the batches of an epoch (or an evaluation): {@link #reset()}, then
 * {@link #update} per batch, then {@link #value()}. Averages are weighted by batch size.
 */
public interface Metric {
    /** The column name in logs and CSV, e.g. {@code accuracy}; validation values get a {@code val_} prefix. */
    String name();

    void reset();

    /** One batch: the model's output, the targets and the batch's mean loss. */
    void update(Tensor output, Tensor target, double loss);

    /** The value over the batches since the last reset (NaN before any). */
    double value();
}

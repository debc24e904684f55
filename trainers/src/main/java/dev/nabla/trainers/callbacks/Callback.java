package dev.nabla.trainers.callbacks;

import dev.nabla.trainers.Trainer;

import java.util.Map;

/**
 * Hooks into {@link Trainer#fit}. Every method has an empty default; callbacks run in the order they were added
 * (the trainer puts its NaN guard and LR scheduler first). Epochs are 0-based; {@code step} counts optimiser steps.
 * A callback stops training with {@link Trainer#requestStop}.
 */
public interface Callback {
    default void onFitStart(Trainer trainer) {}

    default void onEpochStart(Trainer trainer, int epoch) {}

    /** The loss of one mini-batch, computed and not yet back-propagated. */
    default void onBatchLoss(Trainer trainer, int epoch, int batch, double loss) {}

    /** After optimiser step {@code step} (1-based count of steps done). */
    default void onStepEnd(Trainer trainer, long step) {}

    /** After a mini-batch (its backward, and the optimiser step if one was due). */
    default void onBatchEnd(Trainer trainer, int epoch, int batch, double loss) {}

    /** After an epoch and its validation; {@code metrics} holds the train values and the {@code val_} ones. */
    default void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> metrics) {}

    /** When fit returns, normally or after a stop request (not when it throws). */
    default void onFitEnd(Trainer trainer) {}
}

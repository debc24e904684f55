package dev.nabla.trainers;

import dev.nabla.runtime.Tensor;

/** A scalar training loss of the model's output and the batch targets, e.g. {@code F::crossEntropy}. */
@FunctionalInterface
public interface LossFunction {
    Tensor compute(Tensor output, Tensor target);
}

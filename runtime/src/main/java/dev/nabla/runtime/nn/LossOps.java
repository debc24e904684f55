package dev.nabla.runtime.nn;

import dev.nabla.runtime.Tensor;

/** Losses. */
public final class LossOps {
    private LossOps() {}

    /** logits [n, c] (or [n, c, d...]) and integer labels [n] (or [n, d...]). Mean is over non-ignored rows. */
    public static Tensor crossEntropy(Tensor logits, Tensor labels, Reduction reduction, long ignoreIndex, double labelSmoothing) { throw new UnsupportedOperationException("not implemented yet"); }
    /** Negative log-likelihood from log-probabilities [n, c] and integer labels [n]. */
    public static Tensor nllLoss(Tensor logProbs, Tensor labels, Reduction reduction, long ignoreIndex) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) { throw new UnsupportedOperationException("not implemented yet"); }
    /** Numerically stable binary cross-entropy on logits; posWeight may be null. */
    public static Tensor bceWithLogits(Tensor logits, Tensor target, Tensor posWeight, Reduction reduction) { throw new UnsupportedOperationException("not implemented yet"); }
}

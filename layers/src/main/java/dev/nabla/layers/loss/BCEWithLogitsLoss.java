package dev.nabla.layers.loss;

import dev.nabla.layers.Parameter;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.nn.Reduction;

/**
 * Binary cross-entropy on logits (numerically stable), with an optional positive-class weight broadcast over
 * the last axis; the weight is a buffer {@code pos_weight}, as in PyTorch.
 */
public class BCEWithLogitsLoss extends Loss {
    private final Parameter posWeight;

    public BCEWithLogitsLoss() { this(Reduction.MEAN, null); }

    /** {@code posWeight} may be null; the loss takes ownership of it. */
    public BCEWithLogitsLoss(Reduction reduction, Tensor posWeight) {
        super(reduction);
        this.posWeight = registerBuffer("pos_weight", posWeight);
    }

    @Override protected Tensor compute(Tensor logits, Tensor target) {
        return F.bceWithLogits(logits, target, posWeight == null ? null : posWeight.data(), reduction);
    }
}

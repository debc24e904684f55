package dev.nabla.layers.loss;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.Reduction;

/** A loss as a module: {@link #forward(Tensor, Tensor)} takes the prediction and the target. */
public abstract class Loss extends Module {
    protected final Reduction reduction;

    protected Loss(Reduction reduction) {
        if (reduction == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": reduction must not be null");
        this.reduction = reduction;
    }

    public Reduction reduction() { return reduction; }

    /** The loss of {@code input} against {@code target}; a scalar unless the reduction is NONE. */
    public final Tensor forward(Tensor input, Tensor target) { return hooked(compute(input, target)); }

    protected abstract Tensor compute(Tensor input, Tensor target);

    @Override public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " needs an input and a target: use forward(input, target)");
    }

    @Override protected String extraRepr() { return "reduction=" + reduction; }
}

package dev.nabla.layers.loss;

import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.nn.Reduction;

/** Mean squared error (x - y)^2. */
public class MSELoss extends Loss {
    public MSELoss() { this(Reduction.MEAN); }

    public MSELoss(Reduction reduction) { super(reduction); }

    @Override protected Tensor compute(Tensor input, Tensor target) { return F.mseLoss(input, target, reduction); }
}

package dev.nabla.layers.loss;

import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.nn.Reduction;

/** Mean absolute error |x - y|. */
public class L1Loss extends Loss {
    public L1Loss() { this(Reduction.MEAN); }

    public L1Loss(Reduction reduction) { super(reduction); }

    @Override protected Tensor compute(Tensor input, Tensor target) { return F.l1Loss(input, target, reduction); }
}

package dev.nabla.layers.loss;

import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.nn.Reduction;

/** Negative log-likelihood of log-probabilities [n, c] against integer labels [n], with an ignored index. */
public class NLLLoss extends Loss {
    private final long ignoreIndex;

    public NLLLoss() { this(Reduction.MEAN, -100); }

    public NLLLoss(Reduction reduction, long ignoreIndex) {
        super(reduction);
        this.ignoreIndex = ignoreIndex;
    }

    @Override protected Tensor compute(Tensor logProbs, Tensor labels) {
        return F.nllLoss(logProbs, labels, reduction, ignoreIndex);
    }
}

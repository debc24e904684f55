package dev.nabla.layers.loss;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.nn.Reduction;

/**
 * Cross-entropy of logits [n, c] (or [n, c, d...]) against integer class indices [n] (or [n, d...]), with an
 * ignored index (default -100; the mean is over the rows not ignored) and label smoothing, as PyTorch's
 * {@code nn.CrossEntropyLoss}.
 */
public class CrossEntropyLoss extends Loss {
    private final long ignoreIndex;
    private final double labelSmoothing;

    public CrossEntropyLoss() { this(Reduction.MEAN, -100, 0.0); }

    public CrossEntropyLoss(Reduction reduction, long ignoreIndex, double labelSmoothing) {
        super(reduction);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new InvalidArgumentException("CrossEntropyLoss: labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        this.ignoreIndex = ignoreIndex;
        this.labelSmoothing = labelSmoothing;
    }

    public long ignoreIndex() { return ignoreIndex; }

    public double labelSmoothing() { return labelSmoothing; }

    @Override protected Tensor compute(Tensor logits, Tensor labels) {
        return F.crossEntropy(logits, labels, reduction, ignoreIndex, labelSmoothing);
    }

    @Override protected String extraRepr() {
        return super.extraRepr() + ", ignoreIndex=" + ignoreIndex + ", labelSmoothing=" + labelSmoothing;
    }
}

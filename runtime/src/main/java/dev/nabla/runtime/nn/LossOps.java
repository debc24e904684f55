package dev.nabla.runtime.nn;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.ops.Checks;

/**
 * Losses, with PyTorch's definitions. Cross-entropy is one fused kernel; the others are compositions of
 * differentiable tensor ops, so their gradients (and double backward) come from those ops.
 *
 * <pre>{@code
 * Tensor loss = LossOps.crossEntropy(logits, labels, Reduction.MEAN, -100, 0.1);   // logits [n, c], labels [n] INT64
 * Tensor mse = LossOps.mseLoss(prediction, target, Reduction.MEAN);
 * }</pre>
 */
public final class LossOps {
    private LossOps() {}

    /**
     * logits [n, c] (or [n, c, d...]) and INT32/INT64 labels [n] (or [n, d...]). Rows whose label is
     * {@code ignoreIndex} count for nothing; MEAN divides by the rows that count (NaN when none does, as PyTorch).
     * With label smoothing s the target is (1 - s) on the label plus s / c on every class.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor labels, Reduction reduction, long ignoreIndex, double labelSmoothing) {
        return CrossEntropy.apply(logits, labels, reduction, ignoreIndex, labelSmoothing);
    }

    /**
     * Negative log-likelihood from log-probabilities [n, c] (or [n, c, d...]) and integer labels [n] (or [n, d...]):
     * {@code -logProbs[i, label_i]}, reduced like {@link #crossEntropy}.
     */
    public static Tensor nllLoss(Tensor logProbs, Tensor labels, Reduction reduction, long ignoreIndex) {
        String op = "nll_loss";
        Checks.open(op, logProbs, labels);
        Checks.floating(op, logProbs);
        CrossEntropy.checkLabelDType(op, logProbs, labels);
        Checks.sameDevice(op, logProbs, labels);
        requireReduction(op, reduction);
        int c = CrossEntropy.checkShapes(op, logProbs, labels);
        CrossEntropy.Labels lab = CrossEntropy.readLabels(op, labels, c, ignoreIndex);
        long[] safe = lab.values().clone();
        double[] weight = new double[safe.length];
        double perRow = reduction == Reduction.MEAN ? 1.0 / lab.counted() : 1.0; // none counted: NaN below
        for (int i = 0; i < safe.length; i++) {
            if (safe[i] == ignoreIndex) {
                safe[i] = 0;
                weight[i] = lab.counted() == 0 && reduction == Reduction.MEAN ? Double.NaN : 0;
            } else {
                weight[i] = -perRow;
            }
        }
        int[] rowDims = logProbs.dims();
        rowDims[1] = 1;
        Tensor index = Tensor.of(safe, Shape.of(rowDims), labels.dtype(), labels.device());
        Tensor w = Tensor.of(weight, Shape.of(rowDims), logProbs.dtype(), logProbs.device());
        Tensor losses = logProbs.gather(1, index).mul(w);
        return reduction == Reduction.NONE ? losses.reshape(labels.dims()) : losses.sum();
    }

    /** (input - target)^2, reduced. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        checkPair("mse_loss", input, target, reduction);
        return reduce(input.sub(target).square(), reduction);
    }

    /** |input - target|, reduced. */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        checkPair("l1_loss", input, target, reduction);
        return reduce(input.sub(target).abs(), reduction);
    }

    /**
     * Binary cross-entropy on logits, stable for any x:
     * {@code (1 - t) x + (1 + (p - 1) t) (log(1 + exp(-|x|)) + max(-x, 0))}, which is
     * {@code max(x, 0) - x t + log(1 + exp(-|x|))} without posWeight p. posWeight (may be null) broadcasts to x,
     * usually one weight per class of the last dim.
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor target, Tensor posWeight, Reduction reduction) {
        String op = "binary_cross_entropy_with_logits";
        checkPair(op, logits, target, reduction);
        if (posWeight != null) {
            Checks.open(op, posWeight);
            Checks.sameDevice(op, logits, posWeight);
            Checks.sameDType(op, logits, posWeight);
            if (!Shape.broadcast(logits.shape(), posWeight.shape(), op).equals(logits.shape())) {
                throw new ShapeMismatchException(op + ": posWeight of shape " + posWeight.shape()
                        + " does not broadcast to the logits' shape " + logits.shape());
            }
        }
        Tensor softplusNeg = logits.abs().neg().exp().add(1.0).log().add(logits.neg().relu()); // log(1 + exp(-x))
        Tensor linear = target.neg().add(1.0).mul(logits);
        Tensor loss = posWeight == null ? linear.add(softplusNeg)
                : linear.add(posWeight.sub(1.0).mul(target).add(1.0).mul(softplusNeg));
        return reduce(loss, reduction);
    }

    private static void checkPair(String op, Tensor input, Tensor target, Reduction reduction) {
        Checks.open(op, input, target);
        Checks.floating(op, input);
        Checks.sameDevice(op, input, target);
        Checks.sameDType(op, input, target);
        requireReduction(op, reduction);
        if (!input.shape().equals(target.shape())) {
            throw new ShapeMismatchException(op + ": input of shape " + input.shape() + " and target of shape "
                    + target.shape() + " must have the same shape");
        }
    }

    private static void requireReduction(String op, Reduction reduction) {
        if (reduction == null) throw new InvalidArgumentException(op + ": reduction must not be null");
    }

    private static Tensor reduce(Tensor t, Reduction reduction) {
        return switch (reduction) {
            case NONE -> t;
            case SUM -> t.sum();
            case MEAN -> t.mean();
        };
    }
}

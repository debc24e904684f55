package dev.nabla.runtime.nn;

import dev.nabla.runtime.Tensor;

/** Layer norm and batch norm. */
public final class NormOps {
    private NormOps() {}

    /** Normalises over the trailing dims {@code normalizedShape}; weight/bias of that shape or null. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) { throw new UnsupportedOperationException("not implemented yet"); }

    /**
     * x [n, c] or [n, c, ...]. Training: batch statistics, and runningMean/runningVar (may be null) are updated in
     * place with {@code momentum} (PyTorch's convention, unbiased variance). Evaluation: running statistics.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) { throw new UnsupportedOperationException("not implemented yet"); }
}

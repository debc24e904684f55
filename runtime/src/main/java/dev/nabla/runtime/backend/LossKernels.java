package dev.nabla.runtime.backend;

/**
 * Fused log-softmax + negative log-likelihood over logits {@code [n, c]} with INT32/INT64 labels {@code [n]}.
 * With label smoothing s the target is (1 - s) on the label and s / c everywhere (PyTorch's definition).
 * Rows whose label equals {@code ignoreIndex} give loss 0 and gradient 0.
 */
public interface LossKernels {
    CrossEntropyResult crossEntropy(Buffer logits, Buffer labels, int n, int c, long ignoreIndex, double labelSmoothing);

    /** dLogits from the per-row upstream gradient {@code dLoss [n]}. */
    Buffer crossEntropyBackward(Buffer logits, Buffer labels, Buffer logSumExp, Buffer dLoss, int n, int c,
                                long ignoreIndex, double labelSmoothing);
}

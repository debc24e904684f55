package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU LossKernels: not implemented yet. */
final class CpuLoss implements LossKernels {
    @Override public CrossEntropyResult crossEntropy(Buffer logits, Buffer labels, int n, int c, long ignoreIndex, double labelSmoothing) { throw new UnsupportedOperationException("CpuLoss: not implemented yet"); }
    @Override public Buffer crossEntropyBackward(Buffer logits, Buffer labels, Buffer logSumExp, Buffer dLoss, int n, int c, long ignoreIndex, double labelSmoothing) { throw new UnsupportedOperationException("CpuLoss: not implemented yet"); }
}

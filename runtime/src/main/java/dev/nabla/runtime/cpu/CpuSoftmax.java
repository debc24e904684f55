package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU SoftmaxKernels: not implemented yet. */
final class CpuSoftmax implements SoftmaxKernels {
    @Override public Buffer softmax(Buffer x, Shape shape, int axis, boolean log) { throw new UnsupportedOperationException("CpuSoftmax: not implemented yet"); }
    @Override public Buffer softmaxBackward(Buffer y, Buffer dy, Shape shape, int axis, boolean log) { throw new UnsupportedOperationException("CpuSoftmax: not implemented yet"); }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.Tensor;

/** Softmax and log-softmax over one axis. */
public final class SoftmaxOps {
    private SoftmaxOps() {}

    public static Tensor softmax(Tensor x, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor logSoftmax(Tensor x, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
}

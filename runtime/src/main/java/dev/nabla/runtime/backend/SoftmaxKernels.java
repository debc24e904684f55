package dev.nabla.runtime.backend;

import dev.nabla.runtime.Shape;

/** Softmax and log-softmax over one axis, numerically stable (max subtracted). */
public interface SoftmaxKernels {
    Buffer softmax(Buffer x, Shape shape, int axis, boolean log);

    /** From the forward output y and dy: softmax dx = y (dy - sum(dy y)); log-softmax dx = dy - exp(y) sum(dy). */
    Buffer softmaxBackward(Buffer y, Buffer dy, Shape shape, int axis, boolean log);
}

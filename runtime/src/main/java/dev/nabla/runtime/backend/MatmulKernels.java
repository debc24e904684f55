package dev.nabla.runtime.backend;

import dev.nabla.runtime.Shape;

/** Matrix products. */
public interface MatmulKernels {
    /** C = op(A) x op(B) over a broadcast batch; see {@link MatmulSpec}. Returns C, batch x m x n. */
    Buffer matmul(Buffer a, Buffer b, MatmulSpec spec);

    /**
     * The forward pass of a linear layer: y = x w^T + bias, with x {@code rows x in}, w {@code out x in} and
     * bias {@code [out]} added to every row, or null. Returns y, {@code rows x out}. This default composes
     * {@link #matmul} with an in-place broadcast add on {@code backend}'s elementwise kernels; a backend may
     * fuse the two (the CPU one starts the product from C filled with the bias rows).
     */
    default Buffer linear(Backend backend, Buffer x, Buffer w, Buffer bias, int rows, int in, int out) {
        Shape none = Shape.scalar();
        Buffer y = matmul(x, w, new MatmulSpec(none, none, none, rows, out, in, false, true));
        if (bias == null || (long) rows * out == 0) return y;
        try {
            backend.elementwise().binaryInPlace(BinaryOp.ADD, y, Shape.of(rows, out), bias, Shape.of(out));
        } catch (RuntimeException e) {
            backend.release(y);
            throw e;
        }
        return y;
    }
}

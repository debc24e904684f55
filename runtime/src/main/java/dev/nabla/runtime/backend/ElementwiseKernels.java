package dev.nabla.runtime.backend;

import dev.nabla.runtime.Shape;

/** Elementwise kernels. Broadcasting inputs are read with stride 0 on broadcast dims; outputs are fresh buffers. */
public interface ElementwiseKernels {
    /** y = op(x) elementwise; see {@link UnaryOp} for the meaning of {@code a} and {@code b}. */
    Buffer unary(UnaryOp op, Buffer x, double a, double b);

    /** dx = dy * op'(x), fused. */
    Buffer unaryBackward(UnaryOp op, Buffer x, Buffer dy, double a, double b);

    /** out = a op b with both broadcast to {@code out}. Same dtype for a, b and out. */
    Buffer binary(BinaryOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Shape out);

    /** dst = dst op src in place, src broadcast to dst's shape. */
    void binaryInPlace(BinaryOp op, Buffer dst, Shape dstShape, Buffer src, Shape srcShape);

    /** A 0/1 mask in a's dtype. */
    Buffer compare(CompareOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Shape out);

    /** out = cond != 0 ? a : b, all three broadcast to {@code out}; cond may have any dtype. */
    Buffer where(Buffer cond, Shape condShape, Buffer a, Shape aShape, Buffer b, Shape bShape, Shape out);
}

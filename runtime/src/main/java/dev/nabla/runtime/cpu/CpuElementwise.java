package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU ElementwiseKernels: not implemented yet. */
final class CpuElementwise implements ElementwiseKernels {
    @Override public Buffer unary(UnaryOp op, Buffer x, double a, double b) { throw new UnsupportedOperationException("CpuElementwise: not implemented yet"); }
    @Override public Buffer unaryBackward(UnaryOp op, Buffer x, Buffer dy, double a, double b) { throw new UnsupportedOperationException("CpuElementwise: not implemented yet"); }
    @Override public Buffer binary(BinaryOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Shape out) { throw new UnsupportedOperationException("CpuElementwise: not implemented yet"); }
    @Override public void binaryInPlace(BinaryOp op, Buffer dst, Shape dstShape, Buffer src, Shape srcShape) { throw new UnsupportedOperationException("CpuElementwise: not implemented yet"); }
    @Override public Buffer compare(CompareOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Shape out) { throw new UnsupportedOperationException("CpuElementwise: not implemented yet"); }
    @Override public Buffer where(Buffer cond, Shape condShape, Buffer a, Shape aShape, Buffer b, Shape bShape, Shape out) { throw new UnsupportedOperationException("CpuElementwise: not implemented yet"); }
}

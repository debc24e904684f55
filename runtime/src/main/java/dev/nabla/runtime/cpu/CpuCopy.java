package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU CopyKernels: not implemented yet. */
final class CpuCopy implements CopyKernels {
    @Override public Buffer stridedCopy(Buffer src, long offset, long[] strides, Shape out) { throw new UnsupportedOperationException("CpuCopy: not implemented yet"); }
    @Override public void stridedWrite(Buffer dst, long offset, long[] strides, Buffer src, Shape srcShape) { throw new UnsupportedOperationException("CpuCopy: not implemented yet"); }
}

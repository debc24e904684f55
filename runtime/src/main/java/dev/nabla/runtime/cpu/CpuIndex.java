package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU IndexKernels: not implemented yet. */
final class CpuIndex implements IndexKernels {
    @Override public Buffer indexSelect(Buffer x, Shape shape, int axis, Buffer index) { throw new UnsupportedOperationException("CpuIndex: not implemented yet"); }
    @Override public Buffer indexAdd(Shape outShape, DType dtype, int axis, Buffer index, Buffer src) { throw new UnsupportedOperationException("CpuIndex: not implemented yet"); }
    @Override public Buffer gather(Buffer x, Shape shape, int axis, Buffer index, Shape indexShape) { throw new UnsupportedOperationException("CpuIndex: not implemented yet"); }
    @Override public Buffer scatterAdd(Shape outShape, DType dtype, int axis, Buffer index, Shape indexShape, Buffer src) { throw new UnsupportedOperationException("CpuIndex: not implemented yet"); }
    @Override public Buffer oneHot(Buffer index, int numClasses, DType dtype) { throw new UnsupportedOperationException("CpuIndex: not implemented yet"); }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU ReduceKernels: not implemented yet. */
final class CpuReduce implements ReduceKernels {
    @Override public Buffer reduce(ReduceOp op, Buffer x, Shape shape, int[] axes) { throw new UnsupportedOperationException("CpuReduce: not implemented yet"); }
    @Override public Buffer argReduce(ArgReduceOp op, Buffer x, Shape shape, int axis) { throw new UnsupportedOperationException("CpuReduce: not implemented yet"); }
}

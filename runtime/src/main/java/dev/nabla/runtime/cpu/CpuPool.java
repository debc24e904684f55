package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU PoolKernels: not implemented yet. */
final class CpuPool implements PoolKernels {
    @Override public PoolResult maxPool2d(Buffer x, Pool2dSpec spec) { throw new UnsupportedOperationException("CpuPool: not implemented yet"); }
    @Override public Buffer maxPool2dBackward(Buffer dy, Buffer argmax, Pool2dSpec spec) { throw new UnsupportedOperationException("CpuPool: not implemented yet"); }
    @Override public Buffer avgPool2d(Buffer x, Pool2dSpec spec) { throw new UnsupportedOperationException("CpuPool: not implemented yet"); }
    @Override public Buffer avgPool2dBackward(Buffer dy, Pool2dSpec spec) { throw new UnsupportedOperationException("CpuPool: not implemented yet"); }
}

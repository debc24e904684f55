package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU ConvKernels: not implemented yet. */
final class CpuConv implements ConvKernels {
    @Override public Buffer conv2d(Buffer x, Buffer w, Buffer bias, Conv2dSpec spec) { throw new UnsupportedOperationException("CpuConv: not implemented yet"); }
    @Override public Buffer conv2dBackwardInput(Buffer dy, Buffer w, Conv2dSpec spec) { throw new UnsupportedOperationException("CpuConv: not implemented yet"); }
    @Override public Buffer conv2dBackwardWeight(Buffer x, Buffer dy, Conv2dSpec spec) { throw new UnsupportedOperationException("CpuConv: not implemented yet"); }
}

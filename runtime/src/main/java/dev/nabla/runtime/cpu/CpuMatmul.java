package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU MatmulKernels: not implemented yet. */
final class CpuMatmul implements MatmulKernels {
    @Override public Buffer matmul(Buffer a, Buffer b, MatmulSpec spec) { throw new UnsupportedOperationException("CpuMatmul: not implemented yet"); }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.Tensor;

/** Matrix products (1-D, 2-D, batched with broadcast batch dims, transpose flags) and their backward. */
public final class MatmulOps {
    private MatmulOps() {}

    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) { throw new UnsupportedOperationException("not implemented yet"); }
}

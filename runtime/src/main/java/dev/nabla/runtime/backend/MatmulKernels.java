package dev.nabla.runtime.backend;

/** Matrix products. */
public interface MatmulKernels {
    /** C = op(A) x op(B) over a broadcast batch; see {@link MatmulSpec}. Returns C, batch x m x n. */
    Buffer matmul(Buffer a, Buffer b, MatmulSpec spec);
}

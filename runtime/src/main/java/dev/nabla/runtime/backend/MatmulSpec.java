package dev.nabla.runtime.backend;

import dev.nabla.runtime.Shape;

/**
 * A (batched) row-major matmul C[batch] = op(A[aBatch]) x op(B[bBatch]) with C of shape batch x m x n.
 * A's matrices are m x k (k x m when {@code transA}); B's are k x n (n x k when {@code transB}).
 * {@code aBatch} and {@code bBatch} have {@code batch}'s rank; a dim of 1 there is broadcast.
 */
public record MatmulSpec(Shape batch, Shape aBatch, Shape bBatch, int m, int n, int k, boolean transA, boolean transB) {
    public long batchCount() { return batch.numel(); }
}

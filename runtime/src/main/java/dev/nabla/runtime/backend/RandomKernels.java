package dev.nabla.runtime.backend;

import dev.nabla.runtime.DType;

/**
 * Counter-based random numbers (Philox4x32-10, see {@code dev.nabla.runtime.random.Philox}): element i of
 * a call draws from stream position {@code offset + i}, so every backend produces the same numbers.
 */
public interface RandomKernels {
    Buffer uniform(DType dtype, long n, long seed, long offset, double low, double high);

    Buffer normal(DType dtype, long n, long seed, long offset, double mean, double std);

    /** Inverted-dropout mask: 0 where dropped (probability p), 1/(1-p) where kept. */
    Buffer dropoutMask(DType dtype, long n, double p, long seed, long offset);
}

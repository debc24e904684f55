package dev.nabla.runtime.nn;

import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;

/** Inverted dropout with a Philox mask (the same mask on every backend for the same generator state). */
public final class DropoutOps {
    private DropoutOps() {}

    public static Tensor dropout(Tensor x, double p, boolean training, Generator generator) { throw new UnsupportedOperationException("not implemented yet"); }
}

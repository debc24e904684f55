package dev.nabla.layers.activation;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;

/** Softmax along {@code axis} (negative counts from the end). */
public class Softmax extends Module {
    private final int axis;

    public Softmax(int axis) { this.axis = axis; }

    @Override public Tensor forward(Tensor x) { return x.softmax(axis); }

    @Override protected String extraRepr() { return "axis=" + axis; }
}

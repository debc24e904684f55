package dev.nabla.layers.activation;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;

/** max(0, x), elementwise. */
public class ReLU extends Module {
    @Override public Tensor forward(Tensor x) { return x.relu(); }
}

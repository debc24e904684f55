package dev.nabla.layers.activation;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;

/** tanh(x), elementwise. */
public class Tanh extends Module {
    @Override public Tensor forward(Tensor x) { return x.tanh(); }
}

package dev.nabla.layers.activation;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;

/** clamp(x / 6 + 1/2, 0, 1), elementwise (PyTorch's Hardsigmoid). */
public class HardSigmoid extends Module {
    @Override public Tensor forward(Tensor x) { return x.hardSigmoid(); }
}

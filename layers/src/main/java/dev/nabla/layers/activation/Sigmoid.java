package dev.nabla.layers.activation;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;

/** 1 / (1 + exp(-x)), elementwise. */
public class Sigmoid extends Module {
    @Override public Tensor forward(Tensor x) { return x.sigmoid(); }
}

package dev.nabla.layers.activation;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;

/** x for x >= 0, slope * x otherwise (PyTorch's default slope 0.01). */
public class LeakyReLU extends Module {
    private final double negativeSlope;

    public LeakyReLU() { this(0.01); }

    public LeakyReLU(double negativeSlope) { this.negativeSlope = negativeSlope; }

    public double negativeSlope() { return negativeSlope; }

    @Override public Tensor forward(Tensor x) { return x.leakyRelu(negativeSlope); }

    @Override protected String extraRepr() { return "negativeSlope=" + negativeSlope; }
}

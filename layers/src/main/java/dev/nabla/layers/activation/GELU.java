package dev.nabla.layers.activation;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;

/** Gaussian error linear unit: exact (erf) by default, or the tanh approximation ({@code approximate='tanh'}). */
public class GELU extends Module {
    private final boolean tanhApproximation;

    public GELU() { this(false); }

    public GELU(boolean tanhApproximation) { this.tanhApproximation = tanhApproximation; }

    @Override public Tensor forward(Tensor x) { return tanhApproximation ? x.geluTanh() : x.gelu(); }

    @Override protected String extraRepr() { return "approximate=" + (tanhApproximation ? "tanh" : "none"); }
}

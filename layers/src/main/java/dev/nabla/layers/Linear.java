package dev.nabla.layers;

import dev.nabla.layers.init.Init;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;

/**
 * y = x W^T + b over the last axis: x [..., in] -> [..., out]. Weight [out, in], bias [out]; initialised as
 * PyTorch's {@code nn.Linear} (kaiming_uniform a=sqrt(5), bias U(+-1/sqrt(in))). The forward is one fused op,
 * {@link F#linear}.
 */
public class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int inFeatures, int outFeatures) { this(inFeatures, outFeatures, true); }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        requirePositive("inFeatures", inFeatures);
        requirePositive("outFeatures", outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", newTensor(outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", newTensor(outFeatures)) : null;
        resetParameters(Generator.global());
    }

    @Override public void resetParameters(Generator gen) {
        Init.defaultWeight(weight.data(), gen);
        if (bias != null) Init.defaultBias(bias.data(), weight.data().shape(), gen);
    }

    public Tensor weight() { return weight.data(); }

    /** The bias, or null when the layer has none. */
    public Tensor bias() { return bias == null ? null : bias.data(); }

    public int inFeatures() { return inFeatures; }

    public int outFeatures() { return outFeatures; }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() < 1 || x.dim(-1) != inFeatures) {
            throw new ShapeMismatchException("Linear: expected input [..., " + inFeatures + "], got " + x.shape());
        }
        return F.linear(x, weight.data(), bias == null ? null : bias.data());
    }

    @Override protected String extraRepr() { return "in=" + inFeatures + ", out=" + outFeatures + ", bias=" + (bias != null); }
}

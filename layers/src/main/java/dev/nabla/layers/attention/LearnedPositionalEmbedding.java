package dev.nabla.layers.attention;

import dev.nabla.layers.Module;
import dev.nabla.layers.Parameter;
import dev.nabla.layers.init.Init;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;

/** Adds a learned position table weight [maxLen, d] (initialised N(0, 1) like an Embedding) to x [b, t, d]. */
public class LearnedPositionalEmbedding extends Module {
    private final int maxLen;
    private final int dModel;
    private final Parameter weight;

    public LearnedPositionalEmbedding(int maxLen, int dModel) {
        requirePositive("maxLen", maxLen);
        requirePositive("dModel", dModel);
        this.maxLen = maxLen;
        this.dModel = dModel;
        this.weight = registerParameter("weight", newTensor(maxLen, dModel));
        resetParameters(Generator.global());
    }

    @Override public void resetParameters(Generator gen) { Init.normal(weight.data(), 0, 1, gen); }

    public Tensor weight() { return weight.data(); }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.dim(2) != dModel || x.dim(1) > maxLen) {
            throw new ShapeMismatchException("LearnedPositionalEmbedding: expected input [b, t <= " + maxLen + ", " + dModel
                    + "], got " + x.shape());
        }
        return x.add(weight.data().narrow(0, 0, x.dim(1)));
    }

    @Override protected String extraRepr() { return "maxLen=" + maxLen + ", dModel=" + dModel; }
}

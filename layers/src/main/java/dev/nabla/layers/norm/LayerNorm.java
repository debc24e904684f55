package dev.nabla.layers.norm;

import dev.nabla.layers.Module;
import dev.nabla.layers.Parameter;
import dev.nabla.layers.init.Init;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;

import java.util.Arrays;

/** Normalises over the trailing {@code normalizedShape} axes; weight ones and bias zeros of that shape when affine. */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm(int size) { this(new int[]{size}, 1e-5, true); }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) throw new InvalidArgumentException("LayerNorm: normalizedShape must not be empty");
        if (!(eps > 0)) throw new InvalidArgumentException("LayerNorm: eps must be positive, got " + eps);
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", newTensor(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", newTensor(normalizedShape)) : null;
        resetParameters(Generator.global());
    }

    @Override public void resetParameters(Generator gen) {
        if (weight != null) Init.ones(weight.data());
        if (bias != null) Init.zeros(bias.data());
    }

    public Tensor weight() { return weight == null ? null : weight.data(); }

    public Tensor bias() { return bias == null ? null : bias.data(); }

    @Override public Tensor forward(Tensor x) {
        int k = normalizedShape.length;
        boolean ok = x.rank() >= k;
        for (int i = 0; ok && i < k; i++) ok = x.dim(x.rank() - k + i) == normalizedShape[i];
        if (!ok) {
            throw new ShapeMismatchException("LayerNorm: expected input [..., " + Arrays.toString(normalizedShape)
                    .replaceAll("[\\[\\]]", "") + "], got " + x.shape());
        }
        return F.layerNorm(x, normalizedShape, weight == null ? null : weight.data(), bias == null ? null : bias.data(), eps);
    }

    @Override protected String extraRepr() { return Arrays.toString(normalizedShape) + ", eps=" + eps + ", affine=" + (weight != null); }
}

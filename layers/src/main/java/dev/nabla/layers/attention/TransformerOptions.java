package dev.nabla.layers.attention;

import dev.nabla.runtime.InvalidArgumentException;

/**
 * The settings shared by transformer layers, with PyTorch's defaults in {@link #defaults()}: feed-forward width
 * 2048, dropout 0.1, ReLU, post-norm, layer-norm eps 1e-5.
 *
 * @param normFirst pre-norm (x + f(norm(x))) when true, post-norm (norm(x + f(x))) when false
 */
public record TransformerOptions(int dimFeedforward, double dropout, Activation activation, boolean normFirst, double layerNormEps) {
    /** The feed-forward non-linearity. */
    public enum Activation { RELU, GELU }

    public TransformerOptions {
        if (dimFeedforward <= 0) throw new InvalidArgumentException("TransformerOptions: dimFeedforward must be positive, got " + dimFeedforward);
        if (!(dropout >= 0 && dropout < 1)) throw new InvalidArgumentException("TransformerOptions: dropout must be in [0, 1), got " + dropout);
        if (activation == null) throw new InvalidArgumentException("TransformerOptions: activation must not be null");
        if (!(layerNormEps > 0)) throw new InvalidArgumentException("TransformerOptions: layerNormEps must be positive, got " + layerNormEps);
    }

    public static TransformerOptions defaults() { return new TransformerOptions(2048, 0.1, Activation.RELU, false, 1e-5); }

    public TransformerOptions withDimFeedforward(int d) { return new TransformerOptions(d, dropout, activation, normFirst, layerNormEps); }

    public TransformerOptions withDropout(double p) { return new TransformerOptions(dimFeedforward, p, activation, normFirst, layerNormEps); }

    public TransformerOptions withActivation(Activation a) { return new TransformerOptions(dimFeedforward, dropout, a, normFirst, layerNormEps); }

    public TransformerOptions withNormFirst(boolean pre) { return new TransformerOptions(dimFeedforward, dropout, activation, pre, layerNormEps); }

    public TransformerOptions withLayerNormEps(double eps) { return new TransformerOptions(dimFeedforward, dropout, activation, normFirst, eps); }
}

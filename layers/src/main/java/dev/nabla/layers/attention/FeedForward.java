package dev.nabla.layers.attention;

import dev.nabla.runtime.Tensor;

/** The position-wise MLP of a transformer layer, shared by the encoder and decoder layers. */
final class FeedForward {
    private FeedForward() {}

    static Tensor activate(Tensor x, TransformerOptions.Activation a) {
        return a == TransformerOptions.Activation.GELU ? x.gelu() : x.relu();
    }
}

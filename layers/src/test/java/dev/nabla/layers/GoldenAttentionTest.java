package dev.nabla.layers;

import dev.nabla.layers.attention.MultiHeadAttention;
import dev.nabla.layers.attention.Transformer;
import dev.nabla.layers.attention.TransformerDecoderLayer;
import dev.nabla.layers.attention.TransformerEncoderLayer;
import dev.nabla.layers.attention.TransformerOptions;
import dev.nabla.layers.attention.TransformerOptions.Activation;
import org.junit.jupiter.api.Test;

/**
 * Attention and transformer layers against PyTorch (float64, dropout 0, PyTorch's packed in_proj split into
 * q/k/v_proj). Tolerance atol 1e-9 / rtol 1e-7; the 3-block transformer atol 1e-8 (longer chains of rounding).
 */
class GoldenAttentionTest {
    static final double ATOL = 1e-9;
    static final double RTOL = 1e-7;

    static TransformerOptions options(boolean normFirst, Activation act) {
        return new TransformerOptions(12, 0.0, act, normFirst, 1e-5);
    }

    @Test void selfAttentionWithCausalAndKeyPaddingMasksMatchesPyTorch() {
        Golden g = Golden.load("layers/mha_self.txt");
        MultiHeadAttention mha = g.load(new MultiHeadAttention(8, 2));
        g.check(mha, mha.forward(g.in("x"), g.in("pad"), true), ATOL, RTOL);
    }

    @Test void crossAttentionWithKeyPaddingMaskMatchesPyTorch() {
        Golden g = Golden.load("layers/mha_cross.txt");
        MultiHeadAttention mha = g.load(new MultiHeadAttention(8, 2));
        g.check(mha, mha.forward(g.in("q"), g.in("kv"), g.in("kv"), g.in("pad"), false), ATOL, RTOL);
    }

    @Test void postNormEncoderLayerWithReluMatchesPyTorch() { encoder("post", false, Activation.RELU); }

    @Test void preNormEncoderLayerWithGeluMatchesPyTorch() { encoder("pre", true, Activation.GELU); }

    private static void encoder(String tag, boolean normFirst, Activation act) {
        Golden g = Golden.load("layers/encoder_layer_" + tag + ".txt");
        TransformerEncoderLayer layer = g.load(new TransformerEncoderLayer(8, 2, options(normFirst, act)));
        g.check(layer, layer.forward(g.in("x"), g.in("pad"), false), ATOL, RTOL);
    }

    @Test void postNormDecoderLayerMatchesPyTorch() { decoder("post", false, Activation.RELU); }

    @Test void preNormDecoderLayerMatchesPyTorch() { decoder("pre", true, Activation.GELU); }

    private static void decoder(String tag, boolean normFirst, Activation act) {
        Golden g = Golden.load("layers/decoder_layer_" + tag + ".txt");
        TransformerDecoderLayer layer = g.load(new TransformerDecoderLayer(8, 2, options(normFirst, act)));
        g.check(layer, layer.forward(g.in("tgt"), g.in("memory"), null, g.in("mpad"), true), ATOL, RTOL);
    }

    @Test void smallPreNormTransformerMatchesPyTorch() {
        Golden g = Golden.load("layers/transformer.txt");
        Transformer t = g.load(new Transformer(8, 2, 2, 1, options(true, Activation.GELU)));
        g.check(t, t.forward(g.in("src"), g.in("tgt")), 1e-8, RTOL);
    }
}

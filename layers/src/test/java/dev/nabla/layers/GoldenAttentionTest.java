package dev.nabla.layers;

import dev.nabla.layers.attention.MultiHeadAttention;
import dev.nabla.layers.attention.Transformer;
import dev.nabla.layers.attention.TransformerDecoderLayer;
import dev.nabla.layers.attention.TransformerEncoderLayer;
import dev.nabla.layers.attention.TransformerOptions.Activation;
import dev.nabla.layers.attention.TransformerOptions;
import dev.nabla.runtime.Device;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attention and transformer layers against PyTorch (float64, dropout 0, PyTorch's packed in_proj split into
 * q/k/v_proj). Tolerance atol 1e-9 / rtol 1e-7; the 3-block transformer atol 1e-8 (longer chains of rounding).
 */
class GoldenAttentionTest {
    static final String DEVICES = "dev.nabla.runtime.TestDevices#all";

    static final double ATOL = 1e-9;
    static final double RTOL = 1e-7;

    static TransformerOptions options(boolean normFirst, Activation act) {
        return new TransformerOptions(12, 0.0, act, normFirst, 1e-5);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void selfAttentionWithCausalAndKeyPaddingMasksMatchesPyTorch(Device device) {
        Golden g = Golden.load("layers/mha_self.txt", device);
        MultiHeadAttention mha = g.load(new MultiHeadAttention(8, 2));
        g.check(mha, mha.forward(g.in("x"), g.in("pad"), true), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void crossAttentionWithKeyPaddingMaskMatchesPyTorch(Device device) {
        Golden g = Golden.load("layers/mha_cross.txt", device);
        MultiHeadAttention mha = g.load(new MultiHeadAttention(8, 2));
        g.check(mha, mha.forward(g.in("q"), g.in("kv"), g.in("kv"), g.in("pad"), false), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void postNormEncoderLayerWithReluMatchesPyTorch(Device device) { encoder(device, "post", false, Activation.RELU); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void preNormEncoderLayerWithGeluMatchesPyTorch(Device device) { encoder(device, "pre", true, Activation.GELU); }

    private static void encoder(Device device, String tag, boolean normFirst, Activation act) {
        Golden g = Golden.load("layers/encoder_layer_" + tag + ".txt", device);
        TransformerEncoderLayer layer = g.load(new TransformerEncoderLayer(8, 2, options(normFirst, act)));
        g.check(layer, layer.forward(g.in("x"), g.in("pad"), false), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void postNormDecoderLayerMatchesPyTorch(Device device) { decoder(device, "post", false, Activation.RELU); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void preNormDecoderLayerMatchesPyTorch(Device device) { decoder(device, "pre", true, Activation.GELU); }

    private static void decoder(Device device, String tag, boolean normFirst, Activation act) {
        Golden g = Golden.load("layers/decoder_layer_" + tag + ".txt", device);
        TransformerDecoderLayer layer = g.load(new TransformerDecoderLayer(8, 2, options(normFirst, act)));
        g.check(layer, layer.forward(g.in("tgt"), g.in("memory"), null, g.in("mpad"), true), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void smallPreNormTransformerMatchesPyTorch(Device device) {
        Golden g = Golden.load("layers/transformer.txt", device);
        Transformer t = g.load(new Transformer(8, 2, 2, 1, options(true, Activation.GELU)));
        g.check(t, t.forward(g.in("src"), g.in("tgt")), 1e-8, RTOL);
    }
}

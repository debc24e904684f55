package dev.nabla.layers.attention;

import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.init.Init;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * An encoder-decoder transformer on batch-first sequences, as PyTorch's {@code nn.Transformer}: an encoder and a
 * decoder stack, each ending in a layer norm, the decoder's self-attention causal. Like PyTorch, every weight
 * matrix is re-initialised Xavier-uniform (the q/k/v projections as one packed [3d, d] matrix).
 *
 * <pre>{@code
 * Transformer t = new Transformer(32, 4, 2, 2, TransformerOptions.defaults().withDimFeedforward(64));
 * Tensor y = t.forward(src, tgt);   // [b, ts, 32], [b, tt, 32] -> [b, tt, 32]
 * }</pre>
 */
public class Transformer extends Module {
    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;

    public Transformer(int dModel, int nHead, int numEncoderLayers, int numDecoderLayers, TransformerOptions options) {
        this.encoder = registerModule("encoder", new TransformerEncoder(dModel, nHead, numEncoderLayers, options, true));
        this.decoder = registerModule("decoder", new TransformerDecoder(dModel, nHead, numDecoderLayers, options, true));
        resetParameters(Generator.global());
    }

    @Override public void resetParameters(Generator gen) {
        Set<Module> packed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : namedModules().values()) {
            if (m instanceof MultiHeadAttention mha) {
                double bound = mha.packedXavierBound();
                for (Linear p : List.of(mha.qProj(), mha.kProj(), mha.vProj())) {
                    Init.uniform(p.weight(), -bound, bound, gen);
                    packed.add(p);
                }
            }
        }
        for (Module m : namedModules().values()) {
            if (m instanceof Linear lin && !packed.contains(lin)) Init.xavierUniform(lin.weight(), 1.0, gen);
        }
    }

    public TransformerEncoder encoder() { return encoder; }

    public TransformerDecoder decoder() { return decoder; }

    /** src [b, ts, d], tgt [b, tt, d] -> [b, tt, d], without padding masks. */
    public Tensor forward(Tensor src, Tensor tgt) { return forward(src, tgt, null, null, null); }

    /** With key-padding masks (nonzero = padding) for the source, the target and the memory (usually the source's). */
    public Tensor forward(Tensor src, Tensor tgt, Tensor srcKeyPaddingMask, Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask) {
        Tensor memory = encoder.forward(src, srcKeyPaddingMask, false);
        return hooked(decoder.forward(tgt, memory, tgtKeyPaddingMask, memoryKeyPaddingMask, true));
    }

    @Override public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("Transformer needs a source and a target: use forward(src, tgt)");
    }
}

package dev.nabla.layers.attention;

import dev.nabla.layers.Module;
import dev.nabla.layers.ModuleList;
import dev.nabla.layers.norm.LayerNorm;
import dev.nabla.runtime.Tensor;

/** A stack of decoder layers ({@code layers.0 ...}) with an optional final layer norm ({@code norm}). */
public class TransformerDecoder extends Module {
    private final ModuleList<TransformerDecoderLayer> layers;
    private final LayerNorm norm;

    public TransformerDecoder(int dModel, int nHead, int numLayers, TransformerOptions options, boolean finalNorm) {
        requirePositive("numLayers", numLayers);
        this.layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) layers.add(new TransformerDecoderLayer(dModel, nHead, options));
        this.norm = finalNorm ? registerModule("norm", new LayerNorm(new int[]{dModel}, options.layerNormEps(), true)) : null;
    }

    public ModuleList<TransformerDecoderLayer> layers() { return layers; }

    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask, boolean causal) {
        Tensor x = tgt;
        for (TransformerDecoderLayer l : layers) x = l.forward(x, memory, tgtKeyPaddingMask, memoryKeyPaddingMask, causal);
        return hooked(norm == null ? x : norm.call(x));
    }

    @Override public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("TransformerDecoder needs the target and the encoder memory: use forward(tgt, memory, ...)");
    }
}

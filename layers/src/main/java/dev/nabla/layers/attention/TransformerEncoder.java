package dev.nabla.layers.attention;

import dev.nabla.layers.Module;
import dev.nabla.layers.ModuleList;
import dev.nabla.layers.norm.LayerNorm;
import dev.nabla.runtime.Tensor;

/** A stack of encoder layers ({@code layers.0 ...}) with an optional final layer norm ({@code norm}). */
public class TransformerEncoder extends Module {
    private final ModuleList<TransformerEncoderLayer> layers;
    private final LayerNorm norm;

    public TransformerEncoder(int dModel, int nHead, int numLayers, TransformerOptions options, boolean finalNorm) {
        requirePositive("numLayers", numLayers);
        this.layers = registerModule("layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) layers.add(new TransformerEncoderLayer(dModel, nHead, options));
        this.norm = finalNorm ? registerModule("norm", new LayerNorm(new int[]{dModel}, options.layerNormEps(), true)) : null;
    }

    public ModuleList<TransformerEncoderLayer> layers() { return layers; }

    @Override public Tensor forward(Tensor x) { return forward(x, null, false); }

    public Tensor forward(Tensor x, Tensor keyPaddingMask, boolean causal) {
        for (TransformerEncoderLayer l : layers) x = l.forward(x, keyPaddingMask, causal);
        return hooked(norm == null ? x : norm.call(x));
    }
}

package dev.nabla.layers.attention;

import dev.nabla.layers.Dropout;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.norm.LayerNorm;
import dev.nabla.runtime.Tensor;

/**
 * One transformer decoder block on [b, t, d]: causal self-attention, cross-attention over the encoder's memory,
 * and a feed-forward MLP, each with a residual connection and layer norm (pre- or post-norm). Children are named
 * as in PyTorch's {@code nn.TransformerDecoderLayer} (self_attn, multihead_attn, linear1, dropout, linear2,
 * norm1..3, dropout1..3).
 */
public class TransformerDecoderLayer extends Module {
    private final TransformerOptions options;
    private final MultiHeadAttention selfAttn;
    private final MultiHeadAttention crossAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Dropout dropout3;

    public TransformerDecoderLayer(int dModel, int nHead) { this(dModel, nHead, TransformerOptions.defaults()); }

    public TransformerDecoderLayer(int dModel, int nHead, TransformerOptions options) {
        this.options = options;
        this.selfAttn = registerModule("self_attn", new MultiHeadAttention(dModel, nHead));
        this.crossAttn = registerModule("multihead_attn", new MultiHeadAttention(dModel, nHead));
        this.linear1 = registerModule("linear1", new Linear(dModel, options.dimFeedforward()));
        this.dropout = registerModule("dropout", new Dropout(options.dropout()));
        this.linear2 = registerModule("linear2", new Linear(options.dimFeedforward(), dModel));
        this.norm1 = registerModule("norm1", new LayerNorm(new int[]{dModel}, options.layerNormEps(), true));
        this.norm2 = registerModule("norm2", new LayerNorm(new int[]{dModel}, options.layerNormEps(), true));
        this.norm3 = registerModule("norm3", new LayerNorm(new int[]{dModel}, options.layerNormEps(), true));
        this.dropout1 = registerModule("dropout1", new Dropout(options.dropout()));
        this.dropout2 = registerModule("dropout2", new Dropout(options.dropout()));
        this.dropout3 = registerModule("dropout3", new Dropout(options.dropout()));
    }

    /** Causal self-attention on {@code tgt}, cross-attention to {@code memory}, no padding masks. */
    public Tensor forward(Tensor tgt, Tensor memory) { return forward(tgt, memory, null, null, true); }

    /**
     * tgt [b, tt, d], memory [b, ts, d]; padding masks [b, tt] / [b, ts] (nonzero = padding) or null;
     * {@code causal} masks the self-attention (true for autoregressive decoding).
     */
    public Tensor forward(Tensor tgt, Tensor memory, Tensor tgtKeyPaddingMask, Tensor memoryKeyPaddingMask, boolean causal) {
        Tensor x = tgt;
        if (options.normFirst()) {
            x = x.add(dropout1.call(selfAttn.forward(norm1.call(x), tgtKeyPaddingMask, causal)));
            Tensor n2 = norm2.call(x);
            x = x.add(dropout2.call(crossAttn.forward(n2, memory, memory, memoryKeyPaddingMask, false)));
            x = x.add(dropout3.call(feedForward(norm3.call(x))));
        } else {
            x = norm1.call(x.add(dropout1.call(selfAttn.forward(x, tgtKeyPaddingMask, causal))));
            x = norm2.call(x.add(dropout2.call(crossAttn.forward(x, memory, memory, memoryKeyPaddingMask, false))));
            x = norm3.call(x.add(dropout3.call(feedForward(x))));
        }
        return hooked(x);
    }

    private Tensor feedForward(Tensor x) {
        return linear2.call(dropout.call(FeedForward.activate(linear1.call(x), options.activation())));
    }

    @Override public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("TransformerDecoderLayer needs the target and the encoder memory: use forward(tgt, memory)");
    }

    @Override protected String extraRepr() { return options.toString(); }
}

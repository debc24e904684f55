package dev.nabla.layers.attention;

import dev.nabla.layers.Dropout;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.norm.LayerNorm;
import dev.nabla.runtime.Tensor;

/**
 * One transformer encoder block on [b, t, d]: self-attention and a feed-forward MLP, each with a residual
 * connection and layer norm, pre-norm or post-norm. Children are named as in PyTorch's
 * {@code nn.TransformerEncoderLayer} (self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2).
 */
public class TransformerEncoderLayer extends Module {
    private final TransformerOptions options;
    private final MultiHeadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    public TransformerEncoderLayer(int dModel, int nHead) { this(dModel, nHead, TransformerOptions.defaults()); }

    public TransformerEncoderLayer(int dModel, int nHead, TransformerOptions options) {
        this.options = options;
        this.selfAttn = registerModule("self_attn", new MultiHeadAttention(dModel, nHead));
        this.linear1 = registerModule("linear1", new Linear(dModel, options.dimFeedforward()));
        this.dropout = registerModule("dropout", new Dropout(options.dropout()));
        this.linear2 = registerModule("linear2", new Linear(options.dimFeedforward(), dModel));
        this.norm1 = registerModule("norm1", new LayerNorm(new int[]{dModel}, options.layerNormEps(), true));
        this.norm2 = registerModule("norm2", new LayerNorm(new int[]{dModel}, options.layerNormEps(), true));
        this.dropout1 = registerModule("dropout1", new Dropout(options.dropout()));
        this.dropout2 = registerModule("dropout2", new Dropout(options.dropout()));
    }

    public MultiHeadAttention selfAttention() { return selfAttn; }

    @Override public Tensor forward(Tensor x) { return encode(x, null, false); }

    /** x [b, t, d]; keyPaddingMask [b, t] (nonzero = padding) or null; causal hides later positions. */
    public Tensor forward(Tensor x, Tensor keyPaddingMask, boolean causal) { return hooked(encode(x, keyPaddingMask, causal)); }

    private Tensor encode(Tensor x, Tensor keyPaddingMask, boolean causal) {
        if (options.normFirst()) {
            x = x.add(dropout1.call(selfAttn.forward(norm1.call(x), keyPaddingMask, causal)));
            return x.add(dropout2.call(feedForward(norm2.call(x))));
        }
        x = norm1.call(x.add(dropout1.call(selfAttn.forward(x, keyPaddingMask, causal))));
        return norm2.call(x.add(dropout2.call(feedForward(x))));
    }

    private Tensor feedForward(Tensor x) {
        return linear2.call(dropout.call(FeedForward.activate(linear1.call(x), options.activation())));
    }

    @Override protected String extraRepr() { return options.toString(); }
}

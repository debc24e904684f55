package dev.nabla.layers.attention;

import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.init.Init;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;

/**
 * Multi-head attention on batch-first sequences [b, t, d], with separate q/k/v/out projections (children
 * {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code out_proj}) and the fused scaled dot-product attention op.
 * Self-attention: {@code forward(x)}; cross-attention: {@code forward(query, key, value, ...)}. A key-padding
 * mask [b, tk] marks keys to ignore with a nonzero value; {@code causal} hides later keys.
 *
 * <p>Initialised as PyTorch's {@code nn.MultiheadAttention}: the q/k/v weights Xavier-uniform as one packed
 * [3d, d] matrix (bound sqrt(6 / 4d)), their biases zero, the output projection as a Linear with zero bias. A
 * PyTorch {@code in_proj_weight} splits into q_proj/k_proj/v_proj weights by rows in that order. Attention-weight
 * dropout is not supported (the fused op has none).
 */
public class MultiHeadAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;

    public MultiHeadAttention(int embedDim, int numHeads) { this(embedDim, numHeads, true, embedDim, embedDim); }

    /** {@code kDim}, {@code vDim}: feature sizes of the key and value inputs (embedDim for self-attention). */
    public MultiHeadAttention(int embedDim, int numHeads, boolean bias, int kDim, int vDim) {
        requirePositive("embedDim", embedDim);
        requirePositive("numHeads", numHeads);
        if (embedDim % numHeads != 0) {
            throw new InvalidArgumentException("MultiHeadAttention: embedDim " + embedDim + " must be divisible by numHeads " + numHeads);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.q = registerModule("q_proj", new Linear(embedDim, embedDim, bias));
        this.k = registerModule("k_proj", new Linear(kDim, embedDim, bias));
        this.v = registerModule("v_proj", new Linear(vDim, embedDim, bias));
        this.out = registerModule("out_proj", new Linear(embedDim, embedDim, bias));
        resetParameters(Generator.global());
    }

    @Override public void resetParameters(Generator gen) {
        // PyTorch packs q/k/v into in_proj_weight [3d, d] and applies xavier_uniform_ to it as a whole.
        double bound = Math.sqrt(6.0 / (embedDim + 3.0 * embedDim));
        for (Linear p : new Linear[]{q, k, v}) {
            Init.uniform(p.weight(), -bound, bound, gen);
            if (p.bias() != null) Init.zeros(p.bias());
        }
        out.resetParameters(gen);
        if (out.bias() != null) Init.zeros(out.bias());
    }

    /** The packed-projection Xavier bound PyTorch uses for the q/k/v weights, for {@code Transformer}'s reset. */
    double packedXavierBound() { return Math.sqrt(6.0 / (embedDim + 3.0 * embedDim)); }

    public int embedDim() { return embedDim; }

    public int numHeads() { return numHeads; }

    public Linear qProj() { return q; }

    public Linear kProj() { return k; }

    public Linear vProj() { return v; }

    public Linear outProj() { return out; }

    /** Self-attention without masks. */
    @Override public Tensor forward(Tensor x) { return attend(x, x, x, null, false); }

    /** Self-attention with an optional key-padding mask [b, t] and a causal flag. */
    public Tensor forward(Tensor x, Tensor keyPaddingMask, boolean causal) {
        return hooked(attend(x, x, x, keyPaddingMask, causal));
    }

    /** query [b, tq, d], key [b, tk, kDim], value [b, tk, vDim] -> [b, tq, d]. */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean causal) {
        return hooked(attend(query, key, value, keyPaddingMask, causal));
    }

    private Tensor attend(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean causal) {
        if (query.rank() != 3 || key.rank() != 3 || value.rank() != 3 || query.dim(0) != key.dim(0)
                || key.dim(0) != value.dim(0) || key.dim(1) != value.dim(1)) {
            throw new ShapeMismatchException("MultiHeadAttention: expected batch-first query [b, tq, d], key [b, tk, kd] and "
                    + "value [b, tk, vd], got " + query.shape() + ", " + key.shape() + ", " + value.shape());
        }
        int b = query.dim(0), tq = query.dim(1), tk = key.dim(1);
        if (keyPaddingMask != null && (keyPaddingMask.rank() != 2 || keyPaddingMask.dim(0) != b || keyPaddingMask.dim(1) != tk)) {
            throw new ShapeMismatchException("MultiHeadAttention: expected a key-padding mask [" + b + ", " + tk + "], got "
                    + keyPaddingMask.shape());
        }
        Tensor qh = heads(q.call(query), b, tq);
        Tensor kh = heads(k.call(key), b, tk);
        Tensor vh = heads(v.call(value), b, tk);
        Tensor att = F.scaledDotProductAttention(qh, kh, vh, keyPaddingMask, causal);
        Tensor merged = att.permute(0, 2, 1, 3).reshape(b, tq, embedDim);
        return out.call(merged);
    }

    /** [b, t, d] -> [b, h, t, d/h]. */
    private Tensor heads(Tensor x, int b, int t) {
        return x.reshape(b, t, numHeads, embedDim / numHeads).permute(0, 2, 1, 3);
    }

    @Override protected String extraRepr() { return "embedDim=" + embedDim + ", numHeads=" + numHeads; }
}

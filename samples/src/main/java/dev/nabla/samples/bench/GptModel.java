package dev.nabla.samples.bench;

import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A pre-LayerNorm GPT built from raw tensors: token and position embeddings, {@code layers} blocks of causal
 * multi-head attention and a GELU MLP, a final LayerNorm and a linear head; next-token cross-entropy.
 * PyTorch's Linear layout and initialisation ({@link Params}), embeddings N(0, 0.02). The CPU benchmark's
 * Transformer row and the GPU benchmark's GPT row both train it; their references build the same network.
 */
final class GptModel implements AutoCloseable {
    /** The sizes: vocabulary, context, width, heads, layers, MLP hidden width, batch. */
    record Config(int vocab, int ctx, int width, int heads, int layers, int mlp, int batch) {
        int tokens() { return batch * ctx; }
    }

    private record Block(Tensor ln1w, Tensor ln1b, Tensor wqkv, Tensor bqkv, Tensor wo, Tensor bo,
                         Tensor ln2w, Tensor ln2b, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {}

    final Config c;
    private final Params p;
    private final Tensor tok, pos, lnfw, lnfb, head, headb;
    private final Block[] blocks;

    GptModel(Config c, long seed) {
        this.c = c;
        int w = c.width();
        p = new Params(seed);
        tok = p.normal(0.02, c.vocab(), w);
        pos = p.normal(0.02, c.ctx(), w);
        blocks = new Block[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            blocks[l] = new Block(p.constant(1, w), p.constant(0, w),
                    p.uniform(w, 3 * w, w), p.uniform(w, 3 * w),
                    p.uniform(w, w, w), p.uniform(w, w),
                    p.constant(1, w), p.constant(0, w),
                    p.uniform(w, c.mlp(), w), p.uniform(w, c.mlp()),
                    p.uniform(c.mlp(), w, c.mlp()), p.uniform(c.mlp(), w));
        }
        lnfw = p.constant(1, w);
        lnfb = p.constant(0, w);
        head = p.uniform(w, c.vocab(), w);
        headb = p.uniform(w, c.vocab());
    }

    List<Tensor> params() { return p.all; }

    /** Random token ids [batch, ctx] and next-token targets [batch * ctx] (seeded), owned by the current scope if any. */
    Tensor[] randomBatch(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] idx = new long[c.tokens()], tgt = new long[c.tokens()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(c.vocab());
            tgt[i] = r.nextInt(c.vocab());
        }
        return new Tensor[]{Tensor.of(idx, c.batch(), c.ctx()), Tensor.of(tgt, c.tokens())};
    }

    /** The mean next-token cross-entropy of {@code idx} [batch, ctx] against {@code targets} [batch * ctx]. */
    Tensor loss(Tensor idx, Tensor targets) {
        Tensor h = F.embedding(tok, idx).add(pos);
        for (Block b : blocks) h = block(h, b);
        Tensor z = F.layerNorm(h, new int[]{c.width()}, lnfw, lnfb, 1e-5).reshape(c.tokens(), c.width());
        return F.crossEntropy(Params.linear(z, head, headb), targets);
    }

    private Tensor block(Tensor x, Block b) {
        int bt = c.batch(), t = c.ctx(), w = c.width(), hs = c.heads();
        Tensor h = F.layerNorm(x, new int[]{w}, b.ln1w(), b.ln1b(), 1e-5).reshape(bt * t, w);
        // q, k and v per token, heads in order (PyTorch's qkv.view(B, T, 3, H, D) layout), attended in place
        Tensor qkv = Params.linear(h, b.wqkv(), b.bqkv()).reshape(bt, t, 3 * w);
        Tensor a = F.selfAttentionPacked(qkv, hs, null, true).reshape(bt * t, w);
        x = x.add(Params.linear(a, b.wo(), b.bo()).reshape(bt, t, w));
        h = F.layerNorm(x, new int[]{w}, b.ln2w(), b.ln2b(), 1e-5).reshape(bt * t, w);
        h = Params.linear(Params.linear(h, b.w1(), b.b1()).gelu(), b.w2(), b.b2());
        return x.add(h.reshape(bt, t, w));
    }

    /** Frees the parameters (and their gradients). */
    @Override public void close() { p.all.forEach(Tensor::close); }
}

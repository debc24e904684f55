package dev.nabla.samples.bench;

import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;

import java.util.SplittableRandom;

/**
 * One training step (forward, backward, AdamW) of a small pre-LayerNorm GPT: vocabulary 96, context 64,
 * width 128, 4 heads, 2 layers with an MLP of 512 (GELU), batch 32, next-token cross-entropy. The
 * reference builds the same network in PyTorch.
 */
final class TransformerBench {
    static final int VOCAB = 96, CTX = 64, WIDTH = 128, HEADS = 4, LAYERS = 2, MLP = 512, BATCH = 32;

    private TransformerBench() {}

    private record Block(Tensor ln1w, Tensor ln1b, Tensor wqkv, Tensor bqkv, Tensor wo, Tensor bo,
                         Tensor ln2w, Tensor ln2b, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {}

    static Result run(int threads, int warmup, int repeats) {
        String key = BenchKeys.transformerStep(threads);
        try {
            Params p = new Params(9);
            Tensor tok = p.normal(0.02, VOCAB, WIDTH), pos = p.normal(0.02, CTX, WIDTH);
            Block[] blocks = new Block[LAYERS];
            for (int l = 0; l < LAYERS; l++) {
                blocks[l] = new Block(p.constant(1, WIDTH), p.constant(0, WIDTH),
                        p.uniform(WIDTH, 3 * WIDTH, WIDTH), p.uniform(WIDTH, 3 * WIDTH),
                        p.uniform(WIDTH, WIDTH, WIDTH), p.uniform(WIDTH, WIDTH),
                        p.constant(1, WIDTH), p.constant(0, WIDTH),
                        p.uniform(WIDTH, MLP, WIDTH), p.uniform(WIDTH, MLP),
                        p.uniform(MLP, WIDTH, MLP), p.uniform(MLP, WIDTH));
            }
            Tensor lnfw = p.constant(1, WIDTH), lnfb = p.constant(0, WIDTH);
            Tensor head = p.uniform(WIDTH, VOCAB, WIDTH), headb = p.uniform(WIDTH, VOCAB);
            SplittableRandom r = new SplittableRandom(3);
            long[] idx = new long[BATCH * CTX], tgt = new long[BATCH * CTX];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.nextInt(VOCAB);
                tgt[i] = r.nextInt(VOCAB);
            }
            Tensor x0 = Scope.detach(Tensor.of(idx, BATCH, CTX)), y = Scope.detach(Tensor.of(tgt, BATCH * CTX));
            RawAdam adamw = new RawAdam(p.all, 1e-3, 0.01);
            double[] ms = Timing.measure(warmup, repeats, () -> {
                try (Scope s = Scope.open()) {
                    Tensor h = F.embedding(tok, x0).add(pos);
                    for (Block b : blocks) h = block(h, b);
                    Tensor z = F.layerNorm(h, new int[]{WIDTH}, lnfw, lnfb, 1e-5).reshape(BATCH * CTX, WIDTH);
                    Tensor loss = F.crossEntropy(Params.linear(z, head, headb), y);
                    loss.backward();
                    adamw.step();
                    adamw.zeroGrad();
                }
            });
            return new Result(key, Timing.median(ms), "ms", "median of " + repeats + " after " + warmup + " warm-up");
        } catch (Exception e) {
            return Result.missing(key, "ms", String.valueOf(e.getMessage()));
        }
    }

    private static Tensor block(Tensor x, Block b) {
        int d = WIDTH / HEADS;
        Tensor h = F.layerNorm(x, new int[]{WIDTH}, b.ln1w(), b.ln1b(), 1e-5).reshape(BATCH * CTX, WIDTH);
        Tensor qkv = Params.linear(h, b.wqkv(), b.bqkv()).reshape(BATCH, CTX, 3, HEADS, d).permute(2, 0, 3, 1, 4);
        Tensor q = qkv.narrow(0, 0, 1).reshape(BATCH, HEADS, CTX, d);
        Tensor k = qkv.narrow(0, 1, 1).reshape(BATCH, HEADS, CTX, d);
        Tensor v = qkv.narrow(0, 2, 1).reshape(BATCH, HEADS, CTX, d);
        Tensor a = F.scaledDotProductAttention(q, k, v, null, true).permute(0, 2, 1, 3).reshape(BATCH * CTX, WIDTH);
        x = x.add(Params.linear(a, b.wo(), b.bo()).reshape(BATCH, CTX, WIDTH));
        h = F.layerNorm(x, new int[]{WIDTH}, b.ln2w(), b.ln2b(), 1e-5).reshape(BATCH * CTX, WIDTH);
        h = Params.linear(Params.linear(h, b.w1(), b.b1()).gelu(), b.w2(), b.b2());
        return x.add(h.reshape(BATCH, CTX, WIDTH));
    }

}

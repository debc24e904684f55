package dev.nabla.samples.bench;

import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.trainers.optim.AdamW;

/**
 * One training step (forward, backward, the trainers' AdamW) of a small pre-LayerNorm GPT ({@link GptModel}):
 * vocabulary 96, context 64, width 128, 4 heads, 2 layers with an MLP of 512 (GELU), batch 32, next-token
 * cross-entropy. The reference builds the same network in PyTorch.
 */
final class TransformerBench {
    static final GptModel.Config CONFIG = new GptModel.Config(96, 64, 128, 4, 2, 512, 32);

    private TransformerBench() {}

    static Result run(int threads, int warmup, int repeats) {
        String key = BenchKeys.transformerStep(threads);
        try (GptModel m = new GptModel(CONFIG, 9)) {
            Tensor[] batch = m.randomBatch(3);
            Tensor x0 = batch[0], y = batch[1];
            double[] ms;
            try (AdamW adamw = new AdamW(m.params(), AdamW.Options.defaults().lr(1e-3).weightDecay(0.01))) {
                ms = Timing.measure(key, warmup, repeats, () -> {
                    try (Scope s = Scope.open()) {
                        m.loss(x0, y).backward();
                        adamw.step();
                        adamw.zeroGrad();
                    }
                });
            }
            return new Result(key, Timing.median(ms), "ms", "median of " + ms.length + " after " + warmup + " warm-up");
        } catch (Exception e) {
            return Result.missing(key, "ms", String.valueOf(e.getMessage()));
        }
    }
}

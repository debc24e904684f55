package dev.nabla.samples.bench;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.optim.AdamW;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training steps on one fixed batch already on the device (forward, backward, optimiser step, gradients
 * cleared; every per-step tensor freed by a {@code Scope}): the Fashion-MNIST CNN of {@link EpochBench#cnn()}
 * with Adam 1e-3 on random images, and the {@link GptModel} with AdamW (1e-3, weight decay 0.01) on random
 * tokens. Each gives two rows: milliseconds per step and samples (tokens) per second.
 */
final class GpuTrainStepBench {
    private GpuTrainStepBench() {}

    static List<Result> cnn(Backend backend, GpuSizes s) {
        int batch = s.cnnBatch();
        String step = GpuKeys.cnnStep(batch), rate = GpuKeys.cnnRate(batch);
        EpochBench.Model model = null;
        try (Scope outer = Scope.open()) {
            model = EpochBench.cnn();
            Tensor x = Tensor.uniform(Shape.of(batch, 1, 28, 28), 0, 1, DType.FLOAT32, backend.device(), new Generator(5));
            Tensor y = Tensor.of(randomLabels(batch, 10, 6), Shape.of(batch), DType.INT64, backend.device());
            EpochBench.Model m = model;
            GpuTiming.Samples t;
            try (Adam adam = new Adam(m.params(), 1e-3)) {
                t = GpuTiming.measure(backend, s, 1, () -> {
                    try (Scope sc = Scope.open()) {
                        F.crossEntropy(m.logits(x), y).backward();
                        adam.step();
                        adam.zeroGrad();
                    }
                });
            }
            return rows(step, rate, "samples/s", batch, t, "random images");
        } catch (Exception | OutOfMemoryError e) {
            return List.of(Result.missing(step, "ms/step", GpuKeys.why(e)), Result.missing(rate, "samples/s", GpuKeys.why(e)));
        } finally {
            if (model != null) model.params().forEach(Tensor::close);
            GpuKeys.release(backend);
        }
    }

    static List<Result> gpt(Backend backend, GpuSizes s) {
        GptModel.Config c = s.gpt();
        String step = GpuKeys.gptStep(c), rate = GpuKeys.gptRate(c);
        try (Scope outer = Scope.open(); GptModel m = new GptModel(c, 9)) {
            Tensor[] batch = m.randomBatch(3);
            GpuTiming.Samples t;
            try (AdamW adamw = new AdamW(m.params(), AdamW.Options.defaults().lr(1e-3).weightDecay(0.01))) {
                t = GpuTiming.measure(backend, s, 1, () -> {
                    try (Scope sc = Scope.open()) {
                        m.loss(batch[0], batch[1]).backward();
                        adamw.step();
                        adamw.zeroGrad();
                    }
                });
            }
            return rows(step, rate, "tokens/s", c.tokens(), t, "random tokens");
        } catch (Exception | OutOfMemoryError e) {
            return List.of(Result.missing(step, "ms/step", GpuKeys.why(e)), Result.missing(rate, "tokens/s", GpuKeys.why(e)));
        } finally {
            GpuKeys.release(backend);
        }
    }

    private static List<Result> rows(String step, String rate, String rateUnit, int perStep, GpuTiming.Samples t, String data) {
        double ms = t.median();
        String note = t.describe(1) + ", " + data;
        return List.of(new Result(step, ms, "ms/step", note),
                new Result(rate, perStep * 1000.0 / ms, rateUnit, String.format(Locale.ROOT, "%d per step / median step", perStep)));
    }

    private static long[] randomLabels(int n, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = r.nextInt(classes);
        return y;
    }
}

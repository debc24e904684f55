package dev.nabla.samples.bench;

import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.ReLU;
import dev.nabla.layers.conv.Conv2d;
import dev.nabla.layers.conv.MaxPool2d;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.trainers.data.ArrayDataset;
import dev.nabla.trainers.data.Batch;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.data.FashionMnist;
import dev.nabla.trainers.optim.Adam;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One Fashion-MNIST training epoch (batch 128, shuffled, the trainers' Adam 1e-3, cross-entropy) of the MLP
 * 784-256-128-10 and of the CNN (conv3x3 32 + ReLU + maxpool2, conv3x3 64 + ReLU + maxpool2, 128 hidden,
 * 10 out), built from the layers module, data loading included. When {@code batches} is less than an epoch, that many batches are timed
 * and scaled to the epoch's 469 batches (the reference does exactly the same).
 */
final class EpochBench {
    static final int BATCH = 128;

    private EpochBench() {}

    /** A model: its parameters and its logits for a batch. */
    interface Model {
        List<Tensor> params();

        Tensor logits(Tensor x);
    }

    static Model mlp() {
        return of(new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(),
                new Linear(128, 10)));
    }

    static Model cnn() {
        return of(new Sequential(new Conv2d(1, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                new Conv2d(32, 64, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(3136, 128), new ReLU(), new Linear(128, 10)));
    }

    private static Model of(Module m) {
        return new Model() {
            @Override public List<Tensor> params() { return m.parameters(); }

            @Override public Tensor logits(Tensor x) { return m.call(x); }
        };
    }

    /** Fashion-MNIST from {@code dataDir} when present, else 60,000 random images (said in the note). */
    static ArrayDataset data(Path dataDir) {
        if (dataDir != null && FashionMnist.isPresent(dataDir)) return FashionMnist.train(dataDir);
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[60000 * 784];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        int[] y = new int[60000];
        for (int i = 0; i < y.length; i++) y[i] = r.nextInt(10);
        return ArrayDataset.classification(x, Shape.of(1, 28, 28), y);
    }

    static Result run(String key, Model model, ArrayDataset data, String source, int warmupBatches, int batches, int repeats) {
        try {
            DataLoader loader = DataLoader.builder(data).batchSize(BATCH).shuffle(true).seed(1).build();
            int perEpoch = loader.batchesPerEpoch();
            int timed = Math.min(batches, perEpoch);
            double[] ms;
            try (Adam adam = new Adam(model.params(), 1e-3)) {
                runBatches(loader, 0, warmupBatches, model, adam);
                int[] epoch = {0};
                // paired (Pace): one epoch per slice, so the driver alternates the two sides epoch by epoch
                ms = Pace.slices(key, () -> {
                    double[] one = new double[Pace.enabled() ? 1 : repeats];
                    for (int r = 0; r < one.length; r++) {
                        long t0 = System.nanoTime();
                        runBatches(loader, ++epoch[0], timed, model, adam);
                        one[r] = (System.nanoTime() - t0) / 1e6 * perEpoch / timed;
                    }
                    return one;
                });
            }
            String how = (timed == perEpoch ? "full epoch" : timed + " of " + perEpoch + " batches, scaled")
                    + ", median of " + ms.length + ", " + source;
            return new Result(key, Timing.median(ms), "ms", how);
        } catch (Exception e) {
            return Result.missing(key, "ms", String.valueOf(e.getMessage()));
        }
    }

    private static void runBatches(DataLoader loader, int epoch, int count, Model model, Adam adam) {
        Iterator<Batch> it = loader.epoch(epoch).iterator();
        for (int i = 0; i < count && it.hasNext(); i++) {
            try (Scope s = Scope.open(); Batch b = it.next()) {
                Tensor loss = F.crossEntropy(model.logits(b.inputs()), b.targets());
                loss.backward();
                adam.step();
                adam.zeroGrad();
            }
        }
        // Drain nothing: an abandoned iterator's prefetch worker is a daemon and holds only host arrays.
    }

    static List<Result> run(int threads, Path dataDir, int warmupBatches, int mlpBatches, int cnnBatches, int repeats,
                            boolean mlp, boolean cnn) {
        List<Result> out = new ArrayList<>();
        ArrayDataset data = data(dataDir);
        String source = dataDir != null && FashionMnist.isPresent(dataDir) ? "Fashion-MNIST" : "random data";
        if (mlp) out.add(run(BenchKeys.mlpEpoch(threads), mlp(), data, source, warmupBatches, mlpBatches, repeats));
        if (cnn) out.add(run(BenchKeys.cnnEpoch(threads), cnn(), data, source, warmupBatches, cnnBatches, repeats));
        return out;
    }
}

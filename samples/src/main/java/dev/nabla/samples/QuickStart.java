package dev.nabla.samples;

import dev.nabla.layers.Sequential;
import dev.nabla.layers.Linear;
import dev.nabla.layers.activation.ReLU;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.Model;
import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.data.ArrayDataset;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.metrics.Accuracy;
import dev.nabla.trainers.optim.Adam;

import java.util.List;
import java.util.Map;

/**
 * The README's example of training a model from plain Java code, kept as code so a test compiles and
 * runs it and it never goes stale. It learns which of two noisy clusters a 2-D point belongs to.
 */
public final class QuickStart {
    private QuickStart() {}

    /** Trains for {@code epochs} and returns the final metrics (loss, accuracy, val_loss, val_accuracy). */
    public static Map<String, Double> train(int epochs) {
        Generator.manualSeed(0);                                     // same weights, same shuffles every run
        ArrayDataset train = clusters(2_000, 1), val = clusters(500, 2);

        var model = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 2));
        var trainer = Trainer.builder(Model.of(model), new Adam(model.parameters(), 1e-2), F::crossEntropy)
                .metrics(Accuracy::new)
                .progress(false)
                .build();
        List<Map<String, Double>> history = trainer.fit(
                DataLoader.builder(train).batchSize(64).shuffle(true).seed(0).build(),
                DataLoader.builder(val).batchSize(256).build(),
                epochs);
        return history.get(history.size() - 1);
    }

    /** Two Gaussian blobs, labels 0 and 1. */
    static ArrayDataset clusters(int n, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            double cx = y[i] == 0 ? -1 : 1;
            x[2 * i] = (float) (cx + 0.6 * gaussian(rng));
            x[2 * i + 1] = (float) (-cx + 0.6 * gaussian(rng));
        }
        return ArrayDataset.classification(x, Shape.of(2), y);
    }

    private static double gaussian(java.util.SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    public static void main(String[] args) {
        System.out.println(train(5));
    }
}

package dev.nabla.samples;

import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.ReLU;
import dev.nabla.layers.activation.Sigmoid;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.callbacks.Callback;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.data.Dataset;
import dev.nabla.trainers.optim.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compresses Fashion-MNIST images through a small bottleneck (784-256-k-256-784, sigmoid output, MSE) and writes
 * {@code reconstructions.png}: rows of test originals, each above its reconstructions.
 */
public final class Autoencoder implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(Autoencoder.class);
    private static final int SHOWN = 10;

    @Override public String name() { return "autoencoder"; }

    @Override public String description() { return "Fashion-MNIST through a 32-number bottleneck; PNG of originals and reconstructions"; }

    @Override public String help() {
        return "Defaults: --epochs 5 --batch-size 128 --lr 0.001 --seed 0\n  --bottleneck K    size of the code (default 32)";
    }

    @Override public RunSummary run(Options o) throws Exception {
        Generator.manualSeed(o.seed());
        int k = o.integer("bottleneck", 32), epochs = o.epochs(5), batch = o.batchSize(128);
        if (k <= 0) throw new IllegalArgumentException("--bottleneck must be > 0, got " + k);
        double lr = o.lr(1e-3);
        FashionMnistData.Data data = FashionMnistData.load(o);
        Dataset train = ImageSamples.limit(data.train(), o);

        Module net = new Sequential(new Flatten(),
                new Linear(784, 256), new ReLU(), new Linear(256, k), new ReLU(),
                new Linear(k, 256), new ReLU(), new Linear(256, 784), new Sigmoid());
        ModuleModel model = new ModuleModel(net);
        Adam adam = new Adam(model.parameters(), lr);
        TrainClock clock = new TrainClock(batch, train.size());
        List<Callback> callbacks = new ArrayList<>(List.of(clock, ImageSamples.metricsLog(o.outDir().resolve(name()))));
        callbacks.addAll(List.of(Checkpoints.callbacks(o)));
        Trainer trainer = Trainer.builder(model, adam, F::mseLoss).callbacks(callbacks.toArray(Callback[]::new)).build();
        Checkpoints.resumeIfAsked(o, trainer);
        trainer.fit(DataLoader.builder(selfTargets(train)).batchSize(batch).shuffle(true).seed(o.seed()).build(),
                DataLoader.builder(selfTargets(data.test())).batchSize(500).build(), epochs);

        Path png = writeReconstructions(trainer, data.test(), o.outDir().resolve(name()).resolve("reconstructions.png"));
        Map<String, Double> last = trainer.history().get(trainer.history().size() - 1);
        LOG.info("autoencoder: test MSE {} with a {}-number code; {}", String.format("%.5f", last.get("val_loss")), k, png);
        RunSummary s = ImageSamples.newSummary(name()).put("epochs", trainer.epoch()).put("bottleneck", k)
                .put("train_loss", last.get("loss")).put("test_loss", last.get("val_loss")).put("first_batch_loss", clock.firstLoss())
                .put("training_seconds", clock.seconds()).put("samples_per_second", clock.examplesPerSecond())
                .put("image", png.toString());
        ImageSamples.describeData(s, data, train.size());
        adam.close();
        net.close();
        return s;
    }

    /** The dataset with each image as its own target, flattened to 784 values. */
    static Dataset selfTargets(Dataset images) {
        return new Dataset() {
            @Override public int size() { return images.size(); }

            @Override public Shape inputShape() { return images.inputShape(); }

            @Override public Shape targetShape() { return Shape.of(ImageSamples.PIXELS); }

            @Override public DType targetDType() { return DType.FLOAT32; }

            @Override public void read(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
                images.read(index, input, inputOffset, new float[1], 0);
                System.arraycopy(input, inputOffset, target, targetOffset, ImageSamples.PIXELS);
            }
        };
    }

    /** Two rows per group: originals above their reconstructions. */
    private static Path writeReconstructions(Trainer trainer, Dataset test, Path file) throws java.io.IOException {
        float[] originals = new float[SHOWN * ImageSamples.PIXELS];
        for (int i = 0; i < SHOWN; i++) test.read(i, originals, i * ImageSamples.PIXELS, new float[1], 0);
        float[] rebuilt;
        try (Scope scope = Scope.open()) {
            rebuilt = trainer.predict(Tensor.of(originals, SHOWN, 1, ImageSamples.SIDE, ImageSamples.SIDE)).toFloatArray();
        }
        return ImageSamples.writeGrid(file, new float[][]{originals, rebuilt}, 0f, 1f);
    }
}

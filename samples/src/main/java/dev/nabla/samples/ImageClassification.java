package dev.nabla.samples;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.callbacks.Callback;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.data.Dataset;
import dev.nabla.trainers.data.Transform;
import dev.nabla.trainers.metrics.Accuracy;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.schedule.CosineAnnealing;
import dev.nabla.trainers.schedule.LrScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Trains a Fashion-MNIST classifier with Adam and cross-entropy, validating on the test set after every epoch,
 * and summarises the run. The classification samples differ only in their model and augmentation.
 */
final class ImageClassification {
    private static final Logger LOG = LoggerFactory.getLogger(ImageClassification.class);

    /** What a classification sample chooses. {@code augment} may be null; {@code cosine} decays the LR to 0 over the run. */
    record Recipe(String sample, Supplier<Module> model, int epochs, Transform augment, boolean cosine) {}

    private ImageClassification() {}

    static RunSummary run(Recipe r, Options o) {
        Generator.manualSeed(o.seed());
        FashionMnistData.Data data = FashionMnistData.load(o);
        Dataset train = ImageSamples.limit(data.train(), o);
        int epochs = o.epochs(r.epochs()), batch = o.batchSize(128);
        double lr = o.lr(1e-3);

        Module net = r.model().get();
        LOG.info("{}: {} parameters, {} training examples from {}\n{}", r.sample(), net.parameterCount(), train.size(),
                data.source(), net.summary(Shape.of(batch, 1, ImageSamples.SIDE, ImageSamples.SIDE)));
        Transform standardize = ImageSamples.standardize();
        DataLoader trainLoader = DataLoader.builder(train).batchSize(batch).shuffle(true).seed(o.seed())
                .transform(r.augment() == null ? standardize : ImageSamples.chain(r.augment(), standardize)).build();
        DataLoader testLoader = DataLoader.builder(data.test()).batchSize(500).transform(standardize).build();

        ModuleModel model = new ModuleModel(net);
        Adam adam = new Adam(model.parameters(), lr);
        TrainClock clock = new TrainClock(batch, train.size());
        List<Callback> callbacks = new ArrayList<>(List.of(clock, ImageSamples.metricsLog(o.outDir().resolve(r.sample()))));
        callbacks.addAll(List.of(Checkpoints.callbacks(o)));
        Trainer.Builder b = Trainer.builder(model, adam, F::crossEntropy).metrics(Accuracy::new)
                .callbacks(callbacks.toArray(Callback[]::new));
        if (r.cosine()) b.scheduler(new LrScheduler(adam, new CosineAnnealing((long) epochs * trainLoader.batchesPerEpoch(), 0)), false);
        Trainer trainer = b.build();
        Checkpoints.resumeIfAsked(o, trainer);

        List<Map<String, Double>> history = trainer.fit(trainLoader, testLoader, epochs);
        Map<String, Double> last = trainer.history().isEmpty() ? trainer.evaluate(testLoader) : trainer.history().get(trainer.history().size() - 1);
        RunSummary s = ImageSamples.newSummary(r.sample());
        s.put("epochs", trainer.epoch()).put("batch_size", batch).put("lr", lr).put("seed", o.seed())
                .put("parameters", net.parameterCount())
                .put("train_loss", last.get("loss")).put("train_accuracy", last.get("accuracy"))
                .put("test_loss", last.get("val_loss")).put("test_accuracy", last.get("val_accuracy"))
                .put("first_batch_loss", clock.firstLoss())
                .put("test_accuracy_per_epoch", history.stream().map(m -> m.get("val_accuracy")).toList())
                .put("training_seconds", clock.seconds()).put("samples_per_second", clock.examplesPerSecond());
        ImageSamples.describeData(s, data, train.size());
        if (data.subset()) LOG.warn("{} trained on the BUNDLED SUBSET ({} images), not the full Fashion-MNIST", r.sample(), train.size());
        LOG.info("{}: test accuracy {} after {} epochs ({} s of training); metrics in {}", r.sample(),
                String.format("%.4f", last.get("val_accuracy")), trainer.epoch(), String.format("%.1f", clock.seconds()),
                o.outDir().resolve(r.sample()));
        adam.close();
        net.close();
        return s;
    }
}

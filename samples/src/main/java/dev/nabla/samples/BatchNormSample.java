package dev.nabla.samples;

import dev.nabla.layers.Linear;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.ReLU;
import dev.nabla.layers.norm.BatchNorm1d;
import dev.nabla.runtime.Backends;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.data.ArrayDataset;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.metrics.Accuracy;
import dev.nabla.trainers.optim.SGD;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lesson 4: batch normalisation. The same deep ReLU MLP (default 10 hidden layers of 64, PyTorch's default
 * initialisation, SGD with momentum) on the spirals, without and with a BatchNorm1d before every ReLU. Without it
 * the signal shrinks layer after layer and training crawls; with it the same network trains at once.
 */
final class BatchNormSample implements Sample {
    @Override public String name() { return "batchnorm"; }

    @Override public String description() { return "the same deep MLP with and without batch norm; curves side by side (PNG)"; }

    @Override public String help() {
        return """
                  --depth N          hidden layers (default 10)
                  --width N          units per hidden layer (default 64)
                  --points N         points per spiral arm (default 500)
                  (--epochs default 15, --batch-size default 64, --lr default 0.02)""";
    }

    @Override public RunSummary run(Options o) {
        ArrayDataset train = Spirals.make(o.integer("points", 500), 3, o.seed());
        ArrayDataset test = Spirals.make(Math.max(50, o.integer("points", 500) / 5), 3, o.seed() + 1);
        int epochs = o.epochs(15), depth = o.integer("depth", 10), width = o.integer("width", 64);
        RunSummary s = new RunSummary(name(), Backends.defaultBackend().name(), Tensor.defaultDevice().toString()).put("epochs", epochs);
        Map<String, List<Map<String, Double>>> histories = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (boolean bn : new boolean[]{false, true}) {
            Generator.manualSeed(o.seed());
            Sequential mlp = new Sequential(new Linear(2, width), new ReLU());
            for (int i = 1; i < depth; i++) {
                mlp.add(new Linear(width, width));
                if (bn) mlp.add(new BatchNorm1d(width));
                mlp.add(new ReLU());
            }
            mlp.add(new Linear(width, 3));
            SGD opt = new SGD(mlp.parameters(), SGD.Options.lr(o.lr(0.02)).momentum(0.9));
            Trainer trainer = Trainer.builder(new ModuleModel(mlp), opt, F::crossEntropy).metrics(Accuracy::new).progress(false).build();
            String label = bn ? "with batch norm" : "without batch norm";
            List<Map<String, Double>> h = trainer.fit(DataLoader.builder(train).batchSize(o.batchSize(64)).shuffle(true).seed(o.seed()).build(),
                    DataLoader.builder(test).batchSize(256).build(), epochs);
            for (Map<String, Double> m : h) {
                System.out.printf(Locale.ROOT, "%-18s epoch %3.0f  loss %.4f  test loss %.4f  test accuracy %.1f%%%n",
                        label, m.get("epoch"), m.get("loss"), m.get("val_loss"), 100 * m.get("val_accuracy"));
            }
            histories.put(label, h);
            Map<String, Double> last = h.get(h.size() - 1);
            String key = bn ? "bn" : "plain";
            s.put("first_loss_" + key, h.get(0).get("loss")).put("final_loss_" + key, last.get("loss"))
                    .put("test_loss_" + key, last.get("val_loss")).put("test_accuracy_" + key, last.get("val_accuracy"));
            opt.close();
            mlp.close();
        }
        XYChart loss = LinePlots.panel("training loss (depth " + depth + ")", "epoch", "loss", true);
        XYChart acc = LinePlots.panel("test accuracy", "epoch", "accuracy", false);
        histories.forEach((label, h) -> {
            double[] x = h.stream().mapToDouble(m -> m.get("epoch") + 1).toArray();
            LinePlots.line(loss, label, x, h.stream().mapToDouble(m -> m.get("loss")).toArray());
            LinePlots.line(acc, label, x, h.stream().mapToDouble(m -> m.get("val_accuracy")).toArray());
        });
        Path png = LinePlots.save(o.outDir().resolve("batchnorm.png"), List.of(loss, acc));
        System.out.println("plot: " + png.toAbsolutePath());
        return s.put("train_seconds", (System.nanoTime() - t0) / 1e9).put("plot", png.toString());
    }
}

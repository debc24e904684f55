package dev.nabla.samples;

import dev.nabla.layers.Linear;
import dev.nabla.layers.Module;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.ReLU;
import dev.nabla.runtime.Backends;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.data.ArrayDataset;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.metrics.Accuracy;
import dev.nabla.trainers.optim.Adagrad;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.optim.Optimizer;
import dev.nabla.trainers.optim.RMSProp;
import dev.nabla.trainers.optim.SGD;
import dev.nabla.trainers.schedule.CosineAnnealing;
import dev.nabla.trainers.schedule.LinearWarmup;
import dev.nabla.trainers.schedule.LrScheduler;
import org.knowm.xchart.XYChart;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Lesson 3: the same network (2-64-64-3 ReLU MLP, same initial weights) on the same spirals, trained by SGD,
 * SGD with momentum, Adagrad, RMSProp, Adam, and Adam with linear warm-up then cosine decay; then Adam with small
 * versus large mini-batches. One PNG of every loss curve and a table of final losses.
 */
final class OptimizersSample implements Sample {
    /** One run of the comparison. */
    record Run(String label, double[] loss, double accuracy, double seconds) {}

    @Override public String name() { return "optimizers"; }

    @Override public String description() { return "SGD, momentum, Adagrad, RMSProp, Adam, Adam + warm-up + cosine; small vs large batches"; }

    @Override public String help() {
        return """
                  --points N         points per spiral arm (default 500; --limit-train caps the total)
                  --small-batch N    the small batch of the batch-size comparison (default 8)
                  --large-batch N    the large one (default 512)
                  (--epochs default 20, --batch-size default 32 for the optimiser comparison)""";
    }

    @Override public RunSummary run(Options o) {
        ArrayDataset data = Spirals.make(Math.min(o.integer("points", 500), Math.max(1, o.limitTrain() / 3)), 3, o.seed());
        int epochs = o.epochs(20), batch = o.batchSize(32);
        int steps = epochs * ((data.size() + batch - 1) / batch);
        Map<String, Function<List<Tensor>, Optimizer>> optimizers = new LinkedHashMap<>();
        optimizers.put("SGD", p -> new SGD(p, 0.1));
        optimizers.put("SGD+momentum", p -> new SGD(p, SGD.Options.lr(0.05).momentum(0.9)));
        optimizers.put("Adagrad", p -> new Adagrad(p, Adagrad.Options.defaults().lr(0.05)));
        optimizers.put("RMSProp", p -> new RMSProp(p, RMSProp.Options.defaults().lr(0.003)));
        optimizers.put("Adam", p -> new Adam(p, 0.003));
        optimizers.put("Adam+warmup+cosine", p -> new Adam(p, 0.01));

        List<Run> runs = new java.util.ArrayList<>();
        for (var e : optimizers.entrySet()) {
            boolean scheduled = e.getKey().contains("cosine");
            runs.add(train(e.getKey(), data, batch, epochs, e.getValue(), scheduled ? steps : 0, o.seed()));
        }
        List<Run> batches = List.of(
                train("Adam, batch " + o.integer("small-batch", 8), data, o.integer("small-batch", 8), epochs, optimizers.get("Adam"), 0, o.seed()),
                train("Adam, batch " + o.integer("large-batch", 512), data, o.integer("large-batch", 512), epochs, optimizers.get("Adam"), 0, o.seed()));

        System.out.printf(Locale.ROOT, "%n%-22s %12s %12s %10s%n", "optimizer", "final loss", "accuracy", "seconds");
        for (Run r : concat(runs, batches)) {
            System.out.printf(Locale.ROOT, "%-22s %12.4f %11.1f%% %10.1f%n", r.label(), r.loss()[r.loss().length - 1], 100 * r.accuracy(), r.seconds());
        }
        XYChart a = LinePlots.panel("optimisers (batch " + batch + ")", "epoch", "training loss", true);
        runs.forEach(r -> LinePlots.line(a, r.label(), LinePlots.steps(r.loss().length), r.loss()));
        XYChart b = LinePlots.panel("small vs large batches (Adam)", "epoch", "training loss", true);
        batches.forEach(r -> LinePlots.line(b, r.label(), LinePlots.steps(r.loss().length), r.loss()));
        Path png = LinePlots.save(o.outDir().resolve("optimizers.png"), List.of(a, b));
        System.out.println("plot: " + png.toAbsolutePath());

        RunSummary s = new RunSummary(name(), Backends.defaultBackend().name(), Tensor.defaultDevice().toString())
                .put("epochs", epochs).put("plot", png.toString());
        double seconds = 0;
        for (Run r : concat(runs, batches)) {
            String key = r.label().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
            s.put("first_loss_" + key, r.loss()[0]).put("final_loss_" + key, r.loss()[r.loss().length - 1]).put("accuracy_" + key, r.accuracy());
            seconds += r.seconds();
        }
        return s.put("train_seconds", seconds);
    }

    /** Trains a fresh, identically initialised MLP; {@code scheduleSteps > 0} adds warm-up (10%) then cosine decay. */
    static Run train(String label, ArrayDataset data, int batch, int epochs, Function<List<Tensor>, Optimizer> optimizer,
                     int scheduleSteps, long seed) {
        Generator.manualSeed(seed);
        Module mlp = new Sequential(new Linear(2, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 3));
        Optimizer opt = optimizer.apply(mlp.parameters());
        Trainer.Builder tb = Trainer.builder(new ModuleModel(mlp), opt, F::crossEntropy).metrics(Accuracy::new).progress(false);
        if (scheduleSteps > 0) {
            long warm = Math.max(1, scheduleSteps / 10);
            tb.scheduler(new LrScheduler(opt, new LinearWarmup(warm, 0.01, new CosineAnnealing(Math.max(1, scheduleSteps - warm), 0))), false);
        }
        DataLoader loader = DataLoader.builder(data).batchSize(batch).shuffle(true).seed(seed).build();
        long t0 = System.nanoTime();
        List<Map<String, Double>> history = tb.build().fit(loader, null, epochs);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] loss = history.stream().mapToDouble(m -> m.get("loss")).toArray();
        double acc = history.get(history.size() - 1).get("accuracy");
        System.out.printf(Locale.ROOT, "%-22s loss %.4f -> %.4f, accuracy %.1f%% (%.1f s)%n", label, loss[0], loss[loss.length - 1], 100 * acc, seconds);
        opt.close();
        mlp.close();
        return new Run(label, loss, acc, seconds);
    }

    private static List<Run> concat(List<Run> a, List<Run> b) {
        List<Run> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

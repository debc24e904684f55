package dev.nabla.trainers;

import dev.nabla.layers.Linear;
import dev.nabla.layers.Sequential;
import dev.nabla.layers.activation.ReLU;
import dev.nabla.layers.loss.CrossEntropyLoss;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.callbacks.EarlyStopping;
import dev.nabla.trainers.callbacks.Mode;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.metrics.Accuracy;
import dev.nabla.trainers.optim.AdamW;
import dev.nabla.trainers.schedule.OneCycle;
import dev.nabla.trainers.schedule.LrScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** A model from the layers module, adapted with {@link Model#of(dev.nabla.layers.Module)}, trains end to end on the CPU. */
class LayersEndToEndTest {
    @TempDir Path dir;

    @Test void sequentialMlpTrainsOnSpiralsAndItsCheckpointReloads() {
        Generator.manualSeed(1);
        Sequential net = new Sequential(new Linear(2, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 2));
        Model model = Model.of(net);
        CrossEntropyLoss ce = new CrossEntropyLoss();
        var train = DataLoader.builder(TestModels.spirals(300, 0.02, 1)).batchSize(32).shuffle(true).seed(3).build();
        var val = DataLoader.builder(TestModels.spirals(200, 0.02, 2)).batchSize(100).build();
        int epochs = 40;
        AdamW opt = new AdamW(model.parameters(), AdamW.Options.defaults().lr(0.02).weightDecay(1e-4));
        LrScheduler sched = new LrScheduler(opt, new OneCycle((long) epochs * train.batchesPerEpoch()));
        Trainer t = Trainer.builder(model, opt, ce::forward).metrics(Accuracy::new).scheduler(sched, false)
                .callbacks(new EarlyStopping("val_accuracy", Mode.MAX, 100)).progress(false).build();
        var h = t.fit(train, val, epochs);
        double acc = h.get(h.size() - 1).get("val_accuracy");
        assertTrue(acc >= 0.95, "validation accuracy " + acc);

        Path f = dir.resolve("net.safetensors");
        t.save(f);
        Generator.manualSeed(2);
        Sequential other = new Sequential(new Linear(2, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 2));
        dev.nabla.trainers.checkpoint.Checkpoint.loadWeights(f, Model.of(other));
        Trainer t2 = Trainer.builder(Model.of(other), new AdamW(other.parameters(), AdamW.Options.defaults()), ce::forward)
                .metrics(Accuracy::new).progress(false).build();
        assertEquals(acc, t2.evaluate(val).get("accuracy"));
    }
}

package dev.nabla.trainers;

import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.callbacks.ModelCheckpoint;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.schedule.CosineAnnealing;
import dev.nabla.trainers.schedule.LinearWarmup;
import dev.nabla.trainers.schedule.LrScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Resuming continues a run exactly on the CPU: shuffled loader, Adam with a warm-up + cosine schedule, and a
 * model that draws noise from the global RNG in training mode, so weights, optimiser moments, schedule step, RNG
 * offset and loader position must all be restored for the weights to be bit-identical.
 */
class ResumeTest {
    @TempDir Path dir;

    static final int HIDDEN = 16;

    static DataLoader train() {
        return DataLoader.builder(TestModels.spirals(100, 0.05, 11)).batchSize(16).shuffle(true).seed(5).build();
    }

    static Trainer trainer(TestModels.Mlp model, ModelCheckpoint... cbs) {
        Adam adam = new Adam(model.parameters(), Adam.Options.defaults().lr(0.01).weightDecay(1e-4));
        LrScheduler sched = new LrScheduler(adam, new LinearWarmup(5, 0.1, new CosineAnnealing(40, 1e-4)));
        return Trainer.builder(model, adam, F::crossEntropy).scheduler(sched, false).callbacks(cbs).progress(false).build();
    }

    static float[][] weights(Model m) {
        return m.parameters().stream().map(Tensor::toFloatArray).toArray(float[][]::new);
    }

    static float[][] straightTwoEpochs(ModelCheckpoint... cbs) {
        Generator.manualSeed(42);
        TestModels.Mlp m = new TestModels.Mlp(HIDDEN, 3, 0.05);
        trainer(m, cbs).fit(train(), null, 2);
        return weights(m);
    }

    @Test void oneEpochSaveResumeOneEpochEqualsTwoEpochsBitForBit() {
        float[][] straight = straightTwoEpochs();

        Generator.manualSeed(42);
        TestModels.Mlp first = new TestModels.Mlp(HIDDEN, 3, 0.05);
        Trainer t1 = trainer(first);
        t1.fit(train(), null, 1);
        Path ckpt = dir.resolve("epoch1.safetensors");
        t1.save(ckpt);

        Generator.manualSeed(999);                                  // disturb the RNG and start from other weights
        TestModels.Mlp fresh = new TestModels.Mlp(HIDDEN, 77, 0.05);
        Trainer t2 = trainer(fresh);
        t2.resume(ckpt);
        assertEquals(1, t2.epoch());
        assertEquals(0, t2.batchInEpoch());
        t2.fit(train(), null, 2);

        float[][] resumed = weights(fresh);
        for (int i = 0; i < straight.length; i++) assertArrayEquals(straight[i], resumed[i], "parameter " + i);
        assertEquals(t1.step() * 2, t2.step());
    }

    @Test void resumingFromAMidEpochCheckpointEqualsTheStraightRun() {
        ModelCheckpoint every = new ModelCheckpoint(dir).everySteps(17);   // 13 batches per epoch: step 17 is epoch 1, batch 4
        float[][] straight = straightTwoEpochs(every);

        Generator.manualSeed(7);
        TestModels.Mlp fresh = new TestModels.Mlp(HIDDEN, 78, 0.05);
        Trainer t = trainer(fresh);
        t.resume(dir.resolve("step-00000017.safetensors"));
        assertEquals(1, t.epoch());
        assertEquals(4, t.batchInEpoch());
        assertEquals(17, t.step());
        t.fit(train(), null, 2);

        float[][] resumed = weights(fresh);
        for (int i = 0; i < straight.length; i++) assertArrayEquals(straight[i], resumed[i], "parameter " + i);
    }
}

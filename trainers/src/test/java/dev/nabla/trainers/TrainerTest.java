package dev.nabla.trainers;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.callbacks.Callback;
import dev.nabla.trainers.callbacks.EarlyStopping;
import dev.nabla.trainers.callbacks.Mode;
import dev.nabla.trainers.callbacks.ModelCheckpoint;
import dev.nabla.trainers.data.ArrayDataset;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.metrics.Accuracy;
import dev.nabla.trainers.metrics.MetricsLog;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.optim.SGD;
import dev.nabla.trainers.schedule.CosineAnnealing;
import dev.nabla.trainers.schedule.LinearWarmup;
import dev.nabla.trainers.schedule.LrScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    @TempDir Path dir;

    static DataLoader loader(ArrayDataset d, int batch, boolean shuffle, long seed) {
        return DataLoader.builder(d).batchSize(batch).shuffle(shuffle).seed(seed).build();
    }

    @Test void twoLayerMlpReaches95PercentOnTwoSpirals() {
        Generator.manualSeed(0);
        var train = loader(TestModels.spirals(300, 0.02, 1), 32, true, 7);
        var val = loader(TestModels.spirals(200, 0.02, 2), 100, false, 0);
        var model = new TestModels.Mlp(64, 3, 0);
        var opt = new Adam(model.parameters(), Adam.Options.defaults().lr(0.02));
        Trainer t = Trainer.builder(model, opt, F::crossEntropy).metrics(Accuracy::new).progress(false).build();
        List<Map<String, Double>> h = t.fit(train, val, 60);
        double acc = h.get(h.size() - 1).get("val_accuracy");
        assertTrue(acc >= 0.95, "validation accuracy " + acc + " after 60 epochs; history " + h.get(h.size() - 1));
        assertTrue(h.get(h.size() - 1).get("loss") < h.get(0).get("loss"));
    }

    @Test void historyHasTrainValidationAndLearningRateColumns() {
        Model m = TestModels.scalarLinear(0);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.1), TestModels::mse).progress(false).build();
        var h = t.fit(loader(TestModels.line(16, 2, 1), 4, false, 0), loader(TestModels.line(8, 2, 2), 4, false, 0), 2);
        assertEquals(2, h.size());
        assertEquals(List.of("epoch", "step", "loss", "val_loss", "lr"), List.copyOf(h.get(1).keySet()));
        assertEquals(8.0, h.get(1).get("step"));
        assertTrue(h.get(1).get("val_loss") < h.get(0).get("val_loss"));
    }

    @Test void gradientAccumulationOverTwoBatchesEqualsOneDoubleBatch() {
        Model a = TestModels.scalarLinear(0), b = TestModels.scalarLinear(0);
        ArrayDataset d = TestModels.line(32, 3, 4);
        Trainer ta = Trainer.builder(a, new SGD(a.parameters(), 0.2), TestModels::mse).accumulate(2).progress(false).build();
        Trainer tb = Trainer.builder(b, new SGD(b.parameters(), 0.2), TestModels::mse).progress(false).build();
        ta.fit(loader(d, 4, false, 0), null, 2);
        tb.fit(loader(d, 8, false, 0), null, 2);
        assertEquals(8, ta.step());
        assertEquals(8, tb.step());
        assertEquals(b.parameters().get(0).item(), a.parameters().get(0).item(), 1e-6);
    }

    @Test void nanGuardStopsBeforeTheBadUpdateNamingEpochAndBatch() {
        float[] x = new float[12], y = new float[12];
        for (int i = 0; i < 12; i++) {
            x[i] = i / 12f;
            y[i] = x[i];
        }
        x[9] = Float.NaN;
        ArrayDataset d = new ArrayDataset(x, Shape.of(1), y, Shape.of(1), DType.FLOAT32);
        Model m = TestModels.scalarLinear(0.5);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.1), TestModels::mse).progress(false).build();
        var e = assertThrows(NonFiniteLossException.class, () -> t.fit(loader(d, 4, false, 0), null, 3));
        assertTrue(e.getMessage().contains("NaN at epoch 0, batch 2"), e.getMessage());
        assertEquals(0, e.epoch());
        assertEquals(2, e.step());
        assertTrue(Double.isFinite(m.parameters().get(0).item()), "weights must stay finite");
    }

    @Test void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() {
        Model m = TestModels.scalarLinear(1);
        EarlyStopping es = new EarlyStopping("val_loss", Mode.MIN, 2, 0, false);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.0), TestModels::mse).callbacks(es).progress(false).build();
        var h = t.fit(loader(TestModels.line(8, 2, 1), 4, false, 0), loader(TestModels.line(8, 2, 2), 4, false, 0), 10);
        assertEquals(3, h.size(), "epoch 0 sets the best, epochs 1 and 2 do not improve");
        assertEquals(2, es.stoppedEpoch());
        assertEquals(0, es.bestEpoch());
        assertTrue(t.stopRequested());
    }

    @Test void earlyStoppingRestoresTheBestWeights() {
        // training pulls w towards 3 while validation wants 2: validation loss is best after epoch 0
        Model m = TestModels.scalarLinear(2);
        List<Double> wAfterEpoch = new ArrayList<>();
        Callback record = new Callback() {
            @Override public void onEpochEnd(Trainer tr, int epoch, Map<String, Double> metrics) {
                wAfterEpoch.add(tr.model().parameters().get(0).item());
            }
        };
        EarlyStopping es = new EarlyStopping("val_loss", Mode.MIN, 1);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.05), TestModels::mse).callbacks(record, es).progress(false).build();
        t.fit(loader(TestModels.line(16, 3, 1), 4, false, 0), loader(TestModels.line(16, 2, 2), 4, false, 0), 10);
        assertEquals(0, es.bestEpoch());
        assertEquals(2, wAfterEpoch.size());
        assertNotEquals(wAfterEpoch.get(0), wAfterEpoch.get(1));
        assertEquals(wAfterEpoch.get(0), m.parameters().get(0).item());
    }

    @Test void earlyStoppingOnAnUnknownMetricNamesTheAvailableOnes() {
        Model m = TestModels.scalarLinear(1);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.1), TestModels::mse)
                .callbacks(new EarlyStopping("val_acc", Mode.MAX, 1)).progress(false).build();
        var e = assertThrows(dev.nabla.runtime.InvalidArgumentException.class, () -> t.fit(loader(TestModels.line(8, 2, 1), 4, false, 0), null, 2));
        assertTrue(e.getMessage().contains("val_acc") && e.getMessage().contains("loss"), e.getMessage());
    }

    @Test void metricsLogWritesACsvRowPerEpochAndAPng() throws IOException {
        Model m = TestModels.scalarLinear(0);
        MetricsLog log = new MetricsLog(dir.resolve("run"));
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.1), TestModels::mse).callbacks(log).progress(false).build();
        t.fit(loader(TestModels.line(16, 2, 1), 4, false, 0), loader(TestModels.line(8, 2, 2), 4, false, 0), 3);
        List<String> lines = Files.readAllLines(log.csvFile());
        assertEquals("epoch,step,loss,val_loss,lr", lines.get(0));
        assertEquals(4, lines.size());
        assertTrue(lines.get(3).startsWith("2,12,"), lines.get(3));
        byte[] png = Files.readAllBytes(log.pngFile());
        assertTrue(png.length > 1000);
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    }

    @Test void schedulerStepsOncePerOptimiserStep() {
        Model m = TestModels.scalarLinear(0);
        SGD sgd = new SGD(m.parameters(), 0.1);
        LrScheduler s = new LrScheduler(sgd, new LinearWarmup(4, 0.25, new CosineAnnealing(100, 0)));
        Trainer t = Trainer.builder(m, sgd, TestModels::mse).scheduler(s, false).progress(false).build();
        var h = t.fit(loader(TestModels.line(12, 2, 1), 4, false, 0), null, 2);
        assertEquals(6, s.stepCount());
        assertEquals(new LinearWarmup(4, 0.25, new CosineAnnealing(100, 0)).lr(0.1, 6), h.get(1).get("lr"), 1e-15);
    }

    @Test void modelCheckpointWritesEveryNStepsAndOnBest() throws IOException {
        Model m = TestModels.scalarLinear(0);
        ModelCheckpoint mc = new ModelCheckpoint(dir).everySteps(3).everyEpochs(2).onBest("val_loss", Mode.MIN);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.1), TestModels::mse).callbacks(mc).progress(false).build();
        t.fit(loader(TestModels.line(16, 2, 1), 4, false, 0), loader(TestModels.line(8, 2, 2), 4, false, 0), 2);
        try (var s = Files.list(dir)) {
            assertEquals(List.of("best.safetensors", "epoch-0001.safetensors", "step-00000003.safetensors", "step-00000006.safetensors"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test void predictReturnsOutputsInLoaderOrder() {
        Model m = TestModels.scalarLinear(2);
        Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.1), TestModels::mse).progress(false).build();
        ArrayDataset d = TestModels.line(10, 1, 3);
        var out = t.predict(loader(d, 4, false, 0));
        assertEquals(Shape.of(10, 1), out.shape());
        float[] x = new float[1], y = new float[1];
        d.read(7, x, 0, y, 0);
        assertEquals(2 * x[0], out.toFloatArray()[7], 1e-6);
    }

    @Test void progressReportingRunsInLogAndTerminalModes() {
        for (boolean terminal : new boolean[]{false, true}) {
            Model m = TestModels.scalarLinear(0);
            Trainer t = Trainer.builder(m, new SGD(m.parameters(), 0.1), TestModels::mse)
                    .callbacks(new dev.nabla.trainers.callbacks.ProgressCallback(terminal, 2)).progress(false).build();
            var h = t.fit(loader(TestModels.line(16, 2, 1), 4, false, 0), null, 2);
            assertEquals(2, h.size());
        }
    }
}

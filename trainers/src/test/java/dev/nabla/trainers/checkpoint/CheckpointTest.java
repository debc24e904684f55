package dev.nabla.trainers.checkpoint;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.Model;
import dev.nabla.trainers.optim.Adam;
import dev.nabla.trainers.schedule.ExponentialDecay;
import dev.nabla.trainers.schedule.LrScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {
    @TempDir Path dir;

    static Model model(double... w) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("layer.weight", Tensor.of(w, Shape.of(w.length), DType.FLOAT64, Device.CPU).requiresGrad(true));
        return Model.of(x -> x, p);
    }

    /** A model, an Adam with one step of state, a scheduler two steps in. */
    record Run(Model model, Adam adam, LrScheduler sched) {}

    static Run run(double... w) {
        Model m = model(w);
        Adam adam = new Adam(m.parameters(), 0.1);
        LrScheduler s = new LrScheduler(adam, new ExponentialDecay(0.5));
        return new Run(m, adam, s);
    }

    private Path saved() {
        Run r = run(1, 2, 3);
        Tensor p = r.model().parameters().get(0);
        p.setGrad(Tensor.of(new double[]{0.5, -1, 2}, Shape.of(3), DType.FLOAT64, Device.CPU));
        r.adam().step();
        r.sched().step();
        r.sched().step();
        Generator.global().reset(123, 456);
        Path f = dir.resolve("c.safetensors");
        Checkpoint.save(f, r.model(), r.adam(), r.sched(), new Checkpoint.Position(3, 4, 5));
        return f;
    }

    @Test void savesModelOptimiserScheduleRngAndPosition() {
        Path f = saved();
        SafeTensors.Contents c = SafeTensors.read(f);
        assertTrue(c.tensors().containsKey("model.layer.weight"));
        assertTrue(c.tensors().containsKey("optimizer.state.0.exp_avg"));
        assertTrue(c.tensors().containsKey("optimizer.state.0.exp_avg_sq"));
        assertEquals(1L, c.tensors().get("optimizer.state.0.step").toLongArray()[0]);
        assertEquals(Map.of("format", Checkpoint.FORMAT, "epoch", "3", "batch_in_epoch", "4", "step", "5",
                "scheduler_step", "2", "rng_seed", "123", "rng_offset", "456"), c.metadata());
    }

    @Test void restoreBringsBackEveryPart() {
        Path f = saved();
        Generator.global().reset(0, 0);
        Run r = run(0, 0, 0);
        Checkpoint.Position p = Checkpoint.restore(f, r.model(), r.adam(), r.sched());
        assertEquals(new Checkpoint.Position(3, 4, 5), p);
        assertEquals(123, Generator.global().seed());
        assertEquals(456, Generator.global().offset());
        assertEquals(2, r.sched().stepCount());
        assertEquals(0.025, r.adam().groups().get(0).lr(), 1e-15);
        assertEquals(1, r.adam().state(r.model().parameters().get(0)).step());
        double[] w = r.model().parameters().get(0).toDoubleArray();
        assertEquals(0.9, w[0], 1e-7);                       // Adam's first step moves each weight by about lr
        assertEquals(2.1, w[1], 1e-7);
    }

    @Test void restoreRejectsAPlainSafetensorsFileAndLoadWeightsAcceptsIt() {
        Path f = dir.resolve("bare.safetensors");
        SafeTensors.write(f, Map.of("layer.weight", Tensor.of(new double[]{7, 8, 9}, Shape.of(3), DType.FLOAT64, Device.CPU)), Map.of());
        Run r = run(0, 0, 0);
        var e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.restore(f, r.model(), r.adam(), r.sched()));
        assertTrue(e.getMessage().contains("not a Nabla checkpoint"), e.getMessage());
        Checkpoint.loadWeights(f, r.model());
        assertArrayEquals(new double[]{7, 8, 9}, r.model().parameters().get(0).toDoubleArray());
    }

    @Test void aTruncatedCheckpointIsRejectedAndTheModelIsUnchanged() throws IOException {
        Path f = saved();
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 5));
        Run r = run(4, 5, 6);
        var e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.restore(f, r.model(), r.adam(), r.sched()));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertArrayEquals(new double[]{4, 5, 6}, r.model().parameters().get(0).toDoubleArray());
    }

    @Test void aModelOfAnotherShapeIsRejectedBeforeAnythingChanges() {
        Path f = saved();
        Run r = run(4, 5);
        var e = assertThrows(dev.nabla.runtime.ShapeMismatchException.class, () -> Checkpoint.restore(f, r.model(), r.adam(), r.sched()));
        assertTrue(e.getMessage().contains("layer.weight") && e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
        assertArrayEquals(new double[]{4, 5}, r.model().parameters().get(0).toDoubleArray());
        assertEquals(0, r.sched().stepCount());
    }

    @Test void missingModelTensorsAreNamed() {
        Path f = saved();
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("other", Tensor.zeros(Shape.of(3), DType.FLOAT64, Device.CPU).requiresGrad(true));
        Model m = Model.of(x -> x, p);
        var e = assertThrows(InvalidArgumentException.class, () -> Checkpoint.restore(f, m, null, null));
        assertTrue(e.getMessage().contains("[other]") && e.getMessage().contains("[layer.weight]"), e.getMessage());
    }

    @Test void anInvalidPositionInTheMetadataIsRejected() {
        Path f = dir.resolve("bad.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", Checkpoint.FORMAT);
        meta.put("epoch", "-3");
        SafeTensors.write(f, Map.of("model.layer.weight", Tensor.zeros(Shape.of(3), DType.FLOAT64, Device.CPU)), meta);
        var e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.restore(f, model(1, 2, 3), null, null));
        assertTrue(e.getMessage().contains("epoch=-3"), e.getMessage());
    }

    @Test void loadWeightsTakesOnlyTheModelPartOfACheckpoint() {
        Path f = saved();
        Model m = model(0, 0, 0);
        Checkpoint.loadWeights(f, m);
        assertEquals(0.9, m.parameters().get(0).toDoubleArray()[0], 1e-7);
    }
}

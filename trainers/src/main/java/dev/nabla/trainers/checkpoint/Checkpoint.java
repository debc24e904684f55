package dev.nabla.trainers.checkpoint;

import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;
import dev.nabla.trainers.Model;
import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.optim.Optimizer;
import dev.nabla.trainers.schedule.LrScheduler;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training run in one safetensors file: the model's state as {@code model.<name>}, the optimiser's as
 * {@code optimizer.<key>} (see {@link Optimizer#stateDict()}), and in {@code __metadata__} the position
 * ({@code epoch}, {@code batch_in_epoch}, {@code step}), the scheduler's step count and the global RNG
 * ({@link Generator#global()} seed and offset). The data loader needs no state of its own: its order is a function
 * of (seed, epoch), and the position says where in the epoch to continue. Written atomically via
 * {@link SafeTensors#write}; a PyTorch user reads the {@code model.} tensors with {@code safetensors.torch.load_file}.
 */
public final class Checkpoint {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Checkpoint.class);
    public static final String FORMAT = "nabla-checkpoint-1";
    public static final String MODEL_PREFIX = "model.";
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    /** Where a run is: the epoch being trained (0-based), the batches of it already trained, optimiser steps taken. */
    public record Position(int epoch, int batchInEpoch, long step) {}

    private Checkpoint() {}

    public static void save(Path file, Trainer trainer) {
        save(file, trainer.model(), trainer.optimizer(), trainer.scheduler(),
                new Position(trainer.epoch(), trainer.batchInEpoch(), trainer.step()));
    }

    /** Saves a run; {@code optimizer} and {@code scheduler} may be null (weights only). */
    public static void save(Path file, Model model, Optimizer optimizer, LrScheduler scheduler, Position position) {
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> tensors.put(MODEL_PREFIX + k, v));
            if (optimizer != null) optimizer.stateDict().forEach((k, v) -> tensors.put(OPTIMIZER_PREFIX + k, v));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", FORMAT);
            meta.put("epoch", Integer.toString(position.epoch()));
            meta.put("batch_in_epoch", Integer.toString(position.batchInEpoch()));
            meta.put("step", Long.toString(position.step()));
            if (scheduler != null) meta.put("scheduler_step", Long.toString(scheduler.stepCount()));
            Generator g = Generator.global();
            synchronized (g) {
                meta.put("rng_seed", Long.toString(g.seed()));
                meta.put("rng_offset", Long.toString(g.offset()));
            }
            SafeTensors.write(file, tensors, meta);
        }
    }

    /** Restores everything {@link #save(Path, Trainer)} wrote into {@code trainer}; its next fit continues the run. */
    public static void resume(Path file, Trainer trainer) {
        Position p = restore(file, trainer.model(), trainer.optimizer(), trainer.scheduler());
        trainer.setPosition(p.epoch(), p.batchInEpoch(), p.step());
    }

    /**
     * Loads the model weights, optimiser state (when {@code optimizer} is not null), scheduler step and RNG state
     * from {@code file} and returns the saved position. The file and the names and shapes are checked before the
     * model changes.
     *
     * @throws CheckpointFormatException when the file is corrupt or is not a Nabla checkpoint
     */
    public static Position restore(Path file, Model model, Optimizer optimizer, LrScheduler scheduler) {
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(file);
            Map<String, String> meta = c.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new CheckpointFormatException("checkpoint " + file + " is not a Nabla checkpoint (metadata format is "
                        + meta.get("format") + ", expected " + FORMAT + "); for bare weights use Checkpoint.loadWeights");
            }
            Position pos = new Position((int) number(file, meta, "epoch"), (int) number(file, meta, "batch_in_epoch"), number(file, meta, "step"));
            long seed = number(file, meta, "rng_seed"), offset = number(file, meta, "rng_offset");
            Map<String, Tensor> modelState = new LinkedHashMap<>(), optState = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
                if (e.getKey().startsWith(MODEL_PREFIX)) modelState.put(e.getKey().substring(MODEL_PREFIX.length()), e.getValue());
                else if (e.getKey().startsWith(OPTIMIZER_PREFIX)) optState.put(e.getKey().substring(OPTIMIZER_PREFIX.length()), e.getValue());
                else throw new CheckpointFormatException("checkpoint " + file + " has an unexpected tensor '" + e.getKey() + "'");
            }
            model.loadStateDict(modelState);
            if (optimizer != null) {
                if (optState.isEmpty()) LOG.warn("Checkpoint {} has no optimiser state; the optimiser starts fresh", file);
                else optimizer.loadStateDict(optState);
            }
            if (scheduler != null) {
                if (meta.containsKey("scheduler_step")) scheduler.setStepCount(number(file, meta, "scheduler_step"));
                else LOG.warn("Checkpoint {} has no scheduler state; the schedule restarts at step 0", file);
            }
            Generator.global().reset(seed, offset);
            return pos;
        }
    }

    /** Loads only the model weights: from a Nabla checkpoint ({@code model.} tensors) or a bare safetensors state dict. */
    public static void loadWeights(Path file, Model model) {
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(file);
            Map<String, Tensor> state = new LinkedHashMap<>();
            boolean nabla = FORMAT.equals(c.metadata().get("format"));
            c.tensors().forEach((k, v) -> {
                if (!nabla) state.put(k, v);
                else if (k.startsWith(MODEL_PREFIX)) state.put(k.substring(MODEL_PREFIX.length()), v);
            });
            model.loadStateDict(state);
        }
    }

    private static long number(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new CheckpointFormatException("checkpoint " + file + " lacks the metadata entry '" + key + "'");
        try {
            long n = Long.parseLong(v);
            if (n < 0 && !key.equals("rng_seed")) throw new NumberFormatException();
            if ((key.equals("epoch") || key.equals("batch_in_epoch")) && n > Integer.MAX_VALUE) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new CheckpointFormatException("checkpoint " + file + " has an invalid metadata entry " + key + "=" + v);
        }
    }
}

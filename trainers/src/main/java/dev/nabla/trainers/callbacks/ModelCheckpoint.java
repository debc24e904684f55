package dev.nabla.trainers.callbacks;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.checkpoint.Checkpoint;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes {@link Checkpoint}s into a directory: {@code step-<n>.safetensors} every N optimiser steps,
 * {@code epoch-<e>.safetensors} every N epochs, and {@code best.safetensors} whenever the monitored metric improves.
 * Each write is atomic, so a crash never leaves a half-written checkpoint.
 *
 * <pre>{@code
 * new ModelCheckpoint(dir).everyEpochs(1).onBest("val_accuracy", Mode.MAX)
 * }</pre>
 */
public final class ModelCheckpoint implements Callback {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelCheckpoint.class);

    private final Path dir;
    private long everySteps;
    private int everyEpochs;
    private String monitor;
    private Mode mode;
    private double best = Double.NaN;
    private Path lastWritten;

    public ModelCheckpoint(Path dir) {
        if (dir == null) throw new InvalidArgumentException("ModelCheckpoint: directory must not be null");
        this.dir = dir;
    }

    public ModelCheckpoint everySteps(long n) {
        if (n <= 0) throw new InvalidArgumentException("ModelCheckpoint: every-steps interval must be > 0, got " + n);
        everySteps = n;
        return this;
    }

    public ModelCheckpoint everyEpochs(int n) {
        if (n <= 0) throw new InvalidArgumentException("ModelCheckpoint: every-epochs interval must be > 0, got " + n);
        everyEpochs = n;
        return this;
    }

    public ModelCheckpoint onBest(String monitor, Mode mode) {
        if (monitor == null || mode == null) throw new InvalidArgumentException("ModelCheckpoint: monitor and mode must not be null");
        this.monitor = monitor;
        this.mode = mode;
        return this;
    }

    /** The file written last, or null. */
    public Path lastWritten() { return lastWritten; }

    public double bestValue() { return best; }

    @Override public void onStepEnd(Trainer trainer, long step) {
        if (everySteps > 0 && step % everySteps == 0) write(trainer, String.format("step-%08d.safetensors", step));
    }

    @Override public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> metrics) {
        if (everyEpochs > 0 && (epoch + 1) % everyEpochs == 0) write(trainer, String.format("epoch-%04d.safetensors", epoch));
        if (monitor != null) {
            double v = Monitor.read("ModelCheckpoint", monitor, metrics);
            if (mode.improves(v, best, 0)) {
                best = v;
                write(trainer, "best.safetensors");
            }
        }
    }

    private void write(Trainer trainer, String name) {
        Path f = dir.resolve(name);
        Checkpoint.save(f, trainer);
        lastWritten = f;
        LOG.debug("Checkpoint written: {}", f);
    }
}

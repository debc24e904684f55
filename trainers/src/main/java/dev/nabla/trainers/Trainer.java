package dev.nabla.trainers;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.trainers.callbacks.Callback;
import dev.nabla.trainers.callbacks.LrSchedulerCallback;
import dev.nabla.trainers.callbacks.NanGuard;
import dev.nabla.trainers.callbacks.ProgressCallback;
import dev.nabla.trainers.checkpoint.Checkpoint;
import dev.nabla.trainers.data.Batch;
import dev.nabla.trainers.data.DataLoader;
import dev.nabla.trainers.metrics.MeanLoss;
import dev.nabla.trainers.metrics.Metric;
import dev.nabla.trainers.optim.GradClip;
import dev.nabla.trainers.optim.Optimizer;
import dev.nabla.trainers.schedule.LrScheduler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The training loop: epochs of mini-batches, one optimiser step per batch (or per {@code accumulate} batches),
 * each batch inside its own {@link Scope} so every temporary is released; validation after every epoch;
 * metrics, callbacks, progress. The run's position (epoch, batch within it, optimiser steps) is part of a
 * {@link Checkpoint}, so {@link #resume} continues a run exactly.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model, new Adam(model.parameters(), 1e-3), F::crossEntropy)
 *         .metrics(Accuracy::new)
 *         .callbacks(new EarlyStopping("val_loss", Mode.MIN, 3), new MetricsLog(Path.of("runs/a")))
 *         .build();
 * List<Map<String, Double>> history = trainer.fit(trainLoader, valLoader, 10);
 * }</pre>
 */
public final class Trainer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Trainer.class);

    private final Model model;
    private final Optimizer optimizer;
    private final LossFunction loss;
    private final List<Supplier<Metric>> metricFactories;
    private final List<Callback> callbacks;
    private final LrScheduler scheduler;
    private final int accumulate;
    private final double clipNorm;
    private final double clipValue;
    private final List<Map<String, Double>> history = new ArrayList<>();

    private int epoch;
    private int batchInEpoch;
    private long step;
    private boolean stopRequested;
    private String stopReason;
    private int batchesPerEpoch;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.loss = b.loss;
        this.metricFactories = List.copyOf(b.metrics);
        this.scheduler = b.scheduler;
        this.accumulate = b.accumulate;
        this.clipNorm = b.clipNorm;
        this.clipValue = b.clipValue;
        List<Callback> cbs = new ArrayList<>();
        if (b.nanGuard) cbs.add(new NanGuard());
        if (b.scheduler != null) cbs.add(new LrSchedulerCallback(b.scheduler, b.schedulePerEpoch));
        cbs.addAll(b.callbacks);
        if (b.progress) cbs.add(new ProgressCallback());
        this.callbacks = List.copyOf(cbs);
    }

    public static Builder builder(Model model, Optimizer optimizer, LossFunction loss) { return new Builder(model, optimizer, loss); }

    public static final class Builder {
        private final Model model;
        private final Optimizer optimizer;
        private final LossFunction loss;
        private final List<Supplier<Metric>> metrics = new ArrayList<>();
        private final List<Callback> callbacks = new ArrayList<>();
        private LrScheduler scheduler;
        private boolean schedulePerEpoch;
        private int accumulate = 1;
        private double clipNorm = Double.NaN;
        private double clipValue = Double.NaN;
        private boolean nanGuard = true;
        private boolean progress = true;

        private Builder(Model model, Optimizer optimizer, LossFunction loss) {
            if (model == null || optimizer == null || loss == null) {
                throw new InvalidArgumentException("Trainer: model, optimizer and loss must not be null");
            }
            this.model = model;
            this.optimizer = optimizer;
            this.loss = loss;
        }

        /** Metrics besides the loss, computed on training and validation batches; each factory makes a fresh one. */
        @SafeVarargs
        public final Builder metrics(Supplier<Metric>... factories) {
            metrics.addAll(List.of(factories));
            return this;
        }

        public Builder callbacks(Callback... cbs) {
            callbacks.addAll(List.of(cbs));
            return this;
        }

        /** Steps {@code s} after every optimiser step, or after every epoch with {@code perEpoch}; saved in checkpoints. */
        public Builder scheduler(LrScheduler s, boolean perEpoch) {
            scheduler = s;
            schedulePerEpoch = perEpoch;
            return this;
        }

        /** Accumulates gradients over {@code n} mini-batches (each loss scaled by 1/n) per optimiser step. */
        public Builder accumulate(int n) {
            if (n <= 0) throw new InvalidArgumentException("Trainer: gradient accumulation must be over >= 1 batches, got " + n);
            accumulate = n;
            return this;
        }

        /** Clips gradients to a global 2-norm of {@code maxNorm} before each step. */
        public Builder clipGradNorm(double maxNorm) {
            if (!(maxNorm > 0)) throw new InvalidArgumentException("Trainer: max gradient norm must be > 0, got " + maxNorm);
            clipNorm = maxNorm;
            return this;
        }

        /** Clamps every gradient element into [-v, v] before each step. */
        public Builder clipGradValue(double v) {
            if (!(v > 0)) throw new InvalidArgumentException("Trainer: gradient clip value must be > 0, got " + v);
            clipValue = v;
            return this;
        }

        /** The NaN/Inf loss guard (on by default). */
        public Builder nanGuard(boolean on) {
            nanGuard = on;
            return this;
        }

        /** The progress bar / progress log lines (on by default). */
        public Builder progress(boolean on) {
            progress = on;
            return this;
        }

        public Trainer build() { return new Trainer(this); }
    }

    // ------------------------------------------------------------------ accessors

    public Model model() { return model; }

    public Optimizer optimizer() { return optimizer; }

    public LrScheduler scheduler() { return scheduler; }

    /** The epoch being trained, or after an epoch ends, the next one (0-based). */
    public int epoch() { return epoch; }

    /** Batches of {@link #epoch()} already trained. */
    public int batchInEpoch() { return batchInEpoch; }

    /** Batches per epoch of the loader being trained on (0 outside fit). */
    public int batchesPerEpoch() { return batchesPerEpoch; }

    /** Optimiser steps taken. */
    public long step() { return step; }

    /** Per-epoch metrics of this trainer's fit calls. */
    public List<Map<String, Double>> history() { return Collections.unmodifiableList(history); }

    /** Asks fit to stop after the current batch; {@code reason} is logged. */
    public void requestStop(String reason) {
        stopRequested = true;
        stopReason = reason;
    }

    public boolean stopRequested() { return stopRequested; }

    /** Sets the position (used by {@link Checkpoint#resume}). */
    public void setPosition(int epoch, int batchInEpoch, long step) {
        if (epoch < 0 || batchInEpoch < 0 || step < 0) {
            throw new InvalidArgumentException("Trainer: position must be non-negative, got epoch " + epoch + ", batch " + batchInEpoch + ", step " + step);
        }
        this.epoch = epoch;
        this.batchInEpoch = batchInEpoch;
        this.step = step;
    }

    /** Writes a checkpoint of the model, optimiser, scheduler, RNG and position. */
    public void save(Path file) { Checkpoint.save(file, this); }

    /** Restores everything {@link #save} wrote; the next {@link #fit} continues where the saved run was. */
    public void resume(Path file) { Checkpoint.resume(file, this); }

    // ------------------------------------------------------------------ the loop

    /**
     * Trains until epoch {@code epochs} (exclusive; a resumed trainer starts at its saved epoch) or until a callback
     * requests a stop. {@code val} may be null.
     *
     * @return the metrics of each epoch trained by this call
     */
    public List<Map<String, Double>> fit(DataLoader train, DataLoader val, int epochs) {
        if (train == null) throw new InvalidArgumentException("Trainer.fit: the training loader must not be null");
        if (epochs < 0) throw new InvalidArgumentException("Trainer.fit: epochs must be >= 0, got " + epochs);
        if (batchInEpoch > train.batchesPerEpoch()) {
            throw new InvalidArgumentException("Trainer.fit: resuming at batch " + batchInEpoch + " of epoch " + epoch
                    + " but the loader has " + train.batchesPerEpoch() + " batches per epoch");
        }
        stopRequested = false;
        stopReason = null;
        batchesPerEpoch = train.batchesPerEpoch();
        List<Map<String, Double>> thisFit = new ArrayList<>();
        callbacks.forEach(c -> c.onFitStart(this));
        List<Metric> trainMetrics = newMetrics();
        while (epoch < epochs && !stopRequested) {
            int e = epoch;
            model.train(true);
            trainMetrics.forEach(Metric::reset);
            callbacks.forEach(c -> c.onEpochStart(this, e));
            trainEpoch(train, e, trainMetrics);
            if (stopRequested && batchInEpoch < train.batchesPerEpoch()) break;
            epoch = e + 1;
            batchInEpoch = 0;
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("epoch", (double) e);
            m.put("step", (double) step);
            for (Metric t : trainMetrics) m.put(t.name(), t.value());
            if (val != null) evaluate(val).forEach((k, v) -> m.put("val_" + k, v));
            m.put("lr", optimizer.groups().get(0).lr());
            history.add(m);
            thisFit.add(m);
            callbacks.forEach(c -> c.onEpochEnd(this, e, m));
        }
        if (stopRequested) LOG.info("Training stopped at epoch {}, step {}: {}", epoch, step, stopReason);
        callbacks.forEach(c -> c.onFitEnd(this));
        return thisFit;
    }

    private void trainEpoch(DataLoader train, int e, List<Metric> metrics) {
        int count = train.batchesPerEpoch();
        int pending = 0;
        for (Batch batch : train.epoch(e, batchInEpoch)) {
            int b = batchInEpoch;
            double lossValue;
            try (Scope scope = Scope.open(); batch) {
                Tensor out = model.forward(batch.inputs());
                Tensor l = loss.compute(out, batch.targets());
                lossValue = l.item();
                for (Callback c : callbacks) c.onBatchLoss(this, e, b, lossValue);
                (accumulate == 1 ? l : l.div(accumulate)).backward();
                try (Autograd.NoGrad ignored = Autograd.noGrad()) {
                    for (Metric m : metrics) m.update(out, batch.targets(), lossValue);
                }
                batchInEpoch = b + 1;
                pending++;
                if (pending == accumulate || batchInEpoch == count) {
                    if (!Double.isNaN(clipValue)) GradClip.byValue(optimizer.parameters(), clipValue);
                    if (!Double.isNaN(clipNorm)) GradClip.byNorm(optimizer.parameters(), clipNorm);
                    optimizer.step();
                    optimizer.zeroGrad();
                    pending = 0;
                    step++;
                }
            }
            if (pending == 0) {
                long s = step;
                callbacks.forEach(c -> c.onStepEnd(this, s));
            }
            callbacks.forEach(c -> c.onBatchEnd(this, e, b, lossValue));
            if (stopRequested) break;
        }
    }

    private List<Metric> newMetrics() {
        List<Metric> ms = new ArrayList<>();
        ms.add(new MeanLoss());
        for (Supplier<Metric> f : metricFactories) ms.add(f.get());
        return ms;
    }

    /** The loss and metrics over {@code loader} in evaluation mode, without gradients. */
    public Map<String, Double> evaluate(DataLoader loader) {
        List<Metric> metrics = newMetrics();
        model.train(false);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Batch batch : loader.epoch(0)) {
                try (Scope scope = Scope.open(); batch) {
                    Tensor out = model.forward(batch.inputs());
                    double l = loss.compute(out, batch.targets()).item();
                    for (Metric m : metrics) m.update(out, batch.targets(), l);
                }
            }
        } finally {
            model.train(true);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (Metric m : metrics) out.put(m.name(), m.value());
        return out;
    }

    /** The model's outputs for every example of {@code loader}, in loader order, as one FLOAT32 tensor {@code [n, ...]}. */
    public Tensor predict(DataLoader loader) {
        List<float[]> parts = new ArrayList<>();
        int[] tail = null;
        int n = 0;
        model.train(false);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Batch batch : loader.epoch(0)) {
                try (Scope scope = Scope.open(); batch) {
                    Tensor out = model.forward(batch.inputs());
                    if (tail == null) tail = java.util.Arrays.copyOfRange(out.dims(), 1, out.rank());
                    parts.add(out.toFloatArray());
                    n += out.dim(0);
                }
            }
        } finally {
            model.train(true);
        }
        if (tail == null) throw new InvalidArgumentException("Trainer.predict: the loader has no batches");
        int per = (int) Shape.of(tail).numel();
        float[] all = new float[n * per];
        int off = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, off, p.length);
            off += p.length;
        }
        int[] dims = new int[tail.length + 1];
        dims[0] = n;
        System.arraycopy(tail, 0, dims, 1, tail.length);
        return Tensor.of(all, Shape.of(dims), DType.FLOAT32, Tensor.defaultDevice());
    }

    /** The model's output for one input, without gradients, in evaluation mode. */
    public Tensor predict(Tensor input) {
        model.train(false);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            return model.forward(input);
        } finally {
            model.train(true);
        }
    }

    List<Callback> callbacks() { return callbacks; }
}

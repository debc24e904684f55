package dev.nabla.trainers.schedule;

import dev.nabla.runtime.InvalidArgumentException;

/**
 * A linear ramp from {@code startFactor * base} towards {@code base} over {@code warmupSteps} steps, then
 * {@code then} starting from its own step 0: PyTorch's {@code SequentialLR([LinearLR(startFactor,
 * total_iters=warmupSteps), then], milestones=[warmupSteps])}.
 */
public record LinearWarmup(long warmupSteps, double startFactor, LrSchedule then) implements LrSchedule {
    public LinearWarmup {
        if (warmupSteps <= 0) throw new InvalidArgumentException("LinearWarmup: warm-up steps must be > 0, got " + warmupSteps);
        if (!(startFactor > 0 && startFactor <= 1)) throw new InvalidArgumentException("LinearWarmup: start factor must lie in (0, 1], got " + startFactor);
        if (then == null) throw new InvalidArgumentException("LinearWarmup: the schedule after warm-up must not be null");
    }

    /** Warm-up from {@code base / warmupSteps}, then the base rate. */
    public LinearWarmup(long warmupSteps) { this(warmupSteps, 1.0 / warmupSteps, new Constant()); }

    @Override public double lr(double baseLr, long step) {
        LrSchedule.requireStep(step);
        if (step >= warmupSteps) return then.lr(baseLr, step - warmupSteps);
        return baseLr * (startFactor + (1 - startFactor) * step / warmupSteps);
    }
}

package dev.nabla.trainers.schedule;

import dev.nabla.runtime.InvalidArgumentException;

/**
 * The Transformer's schedule (Vaswani et al. 2017): {@code base * d^-0.5 * min(n^-0.5, n * warmup^-1.5)} with
 * {@code n = step + 1}: linear growth for {@code warmupSteps} steps, then decay with the inverse square root of
 * the step. Use a base rate of 1 for the paper's values.
 */
public record InverseSqrtWarmup(int dModel, long warmupSteps) implements LrSchedule {
    public InverseSqrtWarmup {
        if (dModel <= 0) throw new InvalidArgumentException("InverseSqrtWarmup: dModel must be > 0, got " + dModel);
        if (warmupSteps <= 0) throw new InvalidArgumentException("InverseSqrtWarmup: warm-up steps must be > 0, got " + warmupSteps);
    }

    @Override public double lr(double baseLr, long step) {
        LrSchedule.requireStep(step);
        double n = step + 1;
        return baseLr * Math.pow(dModel, -0.5) * Math.min(Math.pow(n, -0.5), n * Math.pow(warmupSteps, -1.5));
    }
}

package dev.nabla.trainers.schedule;

import dev.nabla.runtime.InvalidArgumentException;

/** {@code base * gamma^(step / stepSize)} (integer division), as PyTorch's {@code StepLR}. */
public record StepDecay(long stepSize, double gamma) implements LrSchedule {
    public StepDecay {
        if (stepSize <= 0) throw new InvalidArgumentException("StepDecay: step size must be > 0, got " + stepSize);
        if (!(gamma > 0)) throw new InvalidArgumentException("StepDecay: gamma must be > 0, got " + gamma);
    }

    @Override public double lr(double baseLr, long step) {
        LrSchedule.requireStep(step);
        return baseLr * Math.pow(gamma, step / stepSize);
    }
}

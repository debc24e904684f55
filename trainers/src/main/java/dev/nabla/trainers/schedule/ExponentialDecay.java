package dev.nabla.trainers.schedule;

import dev.nabla.runtime.InvalidArgumentException;

/** {@code base * gamma^step}, as PyTorch's {@code ExponentialLR}. */
public record ExponentialDecay(double gamma) implements LrSchedule {
    public ExponentialDecay {
        if (!(gamma > 0)) throw new InvalidArgumentException("ExponentialDecay: gamma must be > 0, got " + gamma);
    }

    @Override public double lr(double baseLr, long step) {
        LrSchedule.requireStep(step);
        return baseLr * Math.pow(gamma, step);
    }
}

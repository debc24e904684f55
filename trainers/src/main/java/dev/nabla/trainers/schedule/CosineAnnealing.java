package dev.nabla.trainers.schedule;

import dev.nabla.runtime.InvalidArgumentException;

/**
 * {@code etaMin + (base - etaMin) * (1 + cos(pi * step / tMax)) / 2}: from the base rate down to {@code etaMin}
 * over {@code tMax} steps, as PyTorch's {@code CosineAnnealingLR} (past {@code tMax} it rises again, as there).
 */
public record CosineAnnealing(long tMax, double etaMin) implements LrSchedule {
    public CosineAnnealing {
        if (tMax <= 0) throw new InvalidArgumentException("CosineAnnealing: tMax must be > 0, got " + tMax);
        if (!(etaMin >= 0)) throw new InvalidArgumentException("CosineAnnealing: etaMin must be >= 0, got " + etaMin);
    }

    @Override public double lr(double baseLr, long step) {
        LrSchedule.requireStep(step);
        return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }
}

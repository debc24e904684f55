package dev.nabla.trainers.schedule;

/** The base learning rate at every step. */
public record Constant() implements LrSchedule {
    @Override public double lr(double baseLr, long step) {
        LrSchedule.requireStep(step);
        return baseLr;
    }
}

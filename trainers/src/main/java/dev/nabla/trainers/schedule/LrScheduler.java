package dev.nabla.trainers.schedule;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.trainers.optim.Optimizer;
import dev.nabla.trainers.optim.ParamGroup;

/**
 * Applies an {@link LrSchedule} to every group of an optimiser, each from its own initial rate. The constructor
 * sets the step-0 rates; {@link #step()} advances one step. Its state for a checkpoint is the step count.
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private long step;

    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        if (optimizer == null || schedule == null) throw new InvalidArgumentException("LrScheduler: optimizer and schedule must not be null");
        this.optimizer = optimizer;
        this.schedule = schedule;
        apply();
    }

    public LrSchedule schedule() { return schedule; }

    /** Scheduler steps taken so far. */
    public long stepCount() { return step; }

    public void step() {
        step++;
        apply();
    }

    /** Restores the step count (from a checkpoint) and sets the rates for it. */
    public void setStepCount(long value) {
        LrSchedule.requireStep(value);
        step = value;
        apply();
    }

    /** The current rate of group 0. */
    public double lastLr() { return optimizer.groups().get(0).lr(); }

    private void apply() {
        for (ParamGroup g : optimizer.groups()) g.lr(schedule.lr(g.initialLr(), step));
    }
}

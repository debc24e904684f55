package dev.nabla.trainers.callbacks;

import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.schedule.LrScheduler;

import java.util.Map;

/** Steps an {@link LrScheduler} after every optimiser step, or after every epoch. */
public final class LrSchedulerCallback implements Callback {
    private final LrScheduler scheduler;
    private final boolean perEpoch;

    public LrSchedulerCallback(LrScheduler scheduler, boolean perEpoch) {
        this.scheduler = scheduler;
        this.perEpoch = perEpoch;
    }

    @Override public void onStepEnd(Trainer trainer, long step) {
        if (!perEpoch) scheduler.step();
    }

    @Override public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> metrics) {
        if (perEpoch) scheduler.step();
    }
}

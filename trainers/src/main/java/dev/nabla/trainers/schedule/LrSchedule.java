package dev.nabla.trainers.schedule;

/**
 * A learning rate as a function of the step: {@code lr(baseLr, step)} is the rate after {@code step} scheduler
 * steps (0-based) for a parameter group that started at {@code baseLr} (PyTorch's {@code get_last_lr()} after
 * {@code step} calls to {@code scheduler.step()}). Schedules are pure functions, so they compose
 * ({@link LinearWarmup} runs any schedule after its warm-up) and need no state in a checkpoint beyond the step.
 *
 * <pre>{@code
 * LrSchedule s = new LinearWarmup(500, 0.01, new CosineAnnealing(9_500, 0));
 * LrScheduler sched = new LrScheduler(optimizer, s);   // call sched.step() after each optimizer.step()
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {
    double lr(double baseLr, long step);

    static void requireStep(long step) {
        if (step < 0) throw new dev.nabla.runtime.InvalidArgumentException("LrSchedule: step must be >= 0, got " + step);
    }
}

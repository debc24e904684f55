package dev.nabla.trainers.schedule;

import dev.nabla.runtime.InvalidArgumentException;

/**
 * The one-cycle policy (Smith and Topin), as PyTorch's {@code OneCycleLR} with cosine annealing and two phases:
 * from {@code max / divFactor} up to {@code max} over the first {@code pctStart} of {@code totalSteps}, then down
 * to {@code max / divFactor / finalDivFactor} at the last step. The group's base rate is the peak {@code max}.
 * (Momentum cycling is not done.)
 */
public record OneCycle(long totalSteps, double pctStart, double divFactor, double finalDivFactor) implements LrSchedule {
    public OneCycle {
        if (totalSteps <= 1) throw new InvalidArgumentException("OneCycle: total steps must be > 1, got " + totalSteps);
        if (!(pctStart > 0 && pctStart < 1)) throw new InvalidArgumentException("OneCycle: pctStart must lie in (0, 1), got " + pctStart);
        if (!(divFactor > 0) || !(finalDivFactor > 0)) {
            throw new InvalidArgumentException("OneCycle: div factors must be > 0, got " + divFactor + " and " + finalDivFactor);
        }
    }

    /** PyTorch's defaults: pct_start 0.3, div_factor 25, final_div_factor 1e4. */
    public OneCycle(long totalSteps) { this(totalSteps, 0.3, 25, 1e4); }

    @Override public double lr(double baseLr, long step) {
        LrSchedule.requireStep(step);
        if (step > totalSteps) {  // PyTorch allows step == total_steps: the rate set after the last update
            throw new InvalidArgumentException("OneCycle: step " + step + " is past the " + totalSteps + " total steps of the cycle");
        }
        double initial = baseLr / divFactor;
        double min = initial / finalDivFactor;
        double end1 = pctStart * totalSteps - 1;
        double end2 = totalSteps - 1;
        if (step <= end1) return cos(initial, baseLr, step / end1);
        return cos(baseLr, min, (step - end1) / (end2 - end1));
    }

    private static double cos(double start, double end, double pct) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }
}

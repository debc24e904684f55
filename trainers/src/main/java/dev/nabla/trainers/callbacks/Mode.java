package dev.nabla.trainers.callbacks;

/** Whether a monitored metric improves by going down (loss) or up (accuracy). */
public enum Mode {
    MIN, MAX;

    /** Whether {@code value} beats {@code best} by more than {@code minDelta}. */
    public boolean improves(double value, double best, double minDelta) {
        if (Double.isNaN(value)) return false;
        if (Double.isNaN(best)) return true;
        return this == MIN ? value < best - minDelta : value > best + minDelta;
    }
}

package dev.nabla.trainers.metrics;

import dev.nabla.runtime.Tensor;

/** The mean loss per example (each batch's mean loss weighted by its size). */
public final class MeanLoss implements Metric {
    private double sum;
    private long count;

    @Override public String name() { return "loss"; }

    @Override public void reset() {
        sum = 0;
        count = 0;
    }

    @Override public void update(Tensor output, Tensor target, double loss) {
        int n = output.rank() == 0 ? 1 : output.dim(0);
        sum += loss * n;
        count += n;
    }

    @Override public double value() { return count == 0 ? Double.NaN : sum / count; }
}

package dev.nabla.trainers.metrics;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;

/**
 * The fraction of examples whose label is among the {@code k} highest scores. The output is {@code [b, classes]}
 * scores (logits or probabilities), the target {@code [b]} class labels. The counting runs on the host over the
 * copied scores (a batch of logits is small next to the step that produced it); ties go to the lower class index.
 */
public class TopKAccuracy implements Metric {
    private final int k;
    private long correct;
    private long count;

    public TopKAccuracy(int k) {
        if (k <= 0) throw new InvalidArgumentException("TopKAccuracy: k must be > 0, got " + k);
        this.k = k;
    }

    public int k() { return k; }

    @Override public String name() { return "top" + k + "_accuracy"; }

    @Override public void reset() {
        correct = 0;
        count = 0;
    }

    @Override public void update(Tensor output, Tensor target, double loss) {
        if (output.rank() != 2 || target.rank() != 1 || target.dim(0) != output.dim(0)) {
            throw new ShapeMismatchException(name() + ": expected output [b, classes] and target [b], got " + output.shape() + " and " + target.shape());
        }
        int b = output.dim(0), c = output.dim(1);
        double[] scores = output.toDoubleArray();
        long[] labels = target.toLongArray();
        for (int i = 0; i < b; i++) {
            long label = labels[i];
            if (label < 0 || label >= c) {
                throw new InvalidArgumentException(name() + ": label " + label + " of example " + i + " is outside 0.." + (c - 1));
            }
            double s = scores[i * c + (int) label];
            int better = 0;
            for (int j = 0; j < c && better < k; j++) {
                double v = scores[i * c + j];
                if (v > s || (v == s && j < label)) better++;
            }
            if (better < k) correct++;
        }
        count += b;
    }

    @Override public double value() { return count == 0 ? Double.NaN : (double) correct / count; }
}

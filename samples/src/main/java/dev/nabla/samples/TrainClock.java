package dev.nabla.samples;

import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.callbacks.Callback;

import java.util.Map;

/** Times the training batches only (not validation), and remembers the first batch's loss. */
final class TrainClock implements Callback {
    private long epochStart, lastBatchEnd, nanos;
    private long examples;
    private final int batchSize;
    private final int datasetSize;
    private double firstLoss = Double.NaN;

    TrainClock(int batchSize, int datasetSize) {
        this.batchSize = batchSize;
        this.datasetSize = datasetSize;
    }

    @Override public void onEpochStart(Trainer trainer, int epoch) { epochStart = lastBatchEnd = System.nanoTime(); }

    @Override public void onBatchEnd(Trainer trainer, int epoch, int batch, double loss) {
        if (Double.isNaN(firstLoss)) firstLoss = loss;
        lastBatchEnd = System.nanoTime();
        examples += Math.min(batchSize, datasetSize - (long) batch * batchSize);
    }

    @Override public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> metrics) { nanos += lastBatchEnd - epochStart; }

    double seconds() { return nanos / 1e9; }

    double examplesPerSecond() { return nanos == 0 ? 0 : examples / seconds(); }

    double firstLoss() { return firstLoss; }
}

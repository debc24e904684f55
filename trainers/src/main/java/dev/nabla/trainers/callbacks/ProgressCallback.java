package dev.nabla.trainers.callbacks;

import dev.nabla.trainers.Trainer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Progress of training. On a terminal ({@code System.console() != null}) a progress bar per epoch with rate, ETA
 * and the running loss (me.tongfei progressbar); otherwise an SLF4J line every {@code logEvery} batches. Either
 * way one SLF4J line per epoch with its metrics.
 */
public final class ProgressCallback implements Callback {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProgressCallback.class);

    private final boolean terminal;
    private final int logEvery;
    private ProgressBar bar;
    private int batches;
    private double lossSum;
    private int lossCount;
    private long epochStart;

    public ProgressCallback() { this(System.console() != null, 50); }

    public ProgressCallback(boolean terminal, int logEvery) {
        this.terminal = terminal;
        this.logEvery = Math.max(1, logEvery);
    }

    @Override public void onEpochStart(Trainer trainer, int epoch) {
        lossSum = 0;
        lossCount = 0;
        epochStart = System.nanoTime();
        batches = -1;
        if (terminal) {
            bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setStyle(ProgressBarStyle.ASCII)
                    .setInitialMax(trainer.batchesPerEpoch()).showSpeed().setUnit(" batches", 1).build();
            bar.stepTo(trainer.batchInEpoch());
        }
    }

    @Override public void onBatchEnd(Trainer trainer, int epoch, int batch, double loss) {
        lossSum += loss;
        lossCount++;
        double avg = lossSum / lossCount;
        if (bar != null) {
            bar.stepTo(batch + 1L);
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", avg));
        } else if ((batch + 1) % logEvery == 0) {
            double secs = (System.nanoTime() - epochStart) / 1e9;
            LOG.info(String.format(Locale.ROOT, "epoch %d batch %d: loss %.4f (%.1f batches/s)", epoch, batch + 1, avg, lossCount / Math.max(secs, 1e-9)));
        }
    }

    @Override public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> metrics) {
        closeBar();
        String line = metrics.entrySet().stream().filter(e -> !e.getKey().equals("epoch"))
                .map(e -> e.getKey() + " " + format(e.getValue())).collect(Collectors.joining(", "));
        LOG.info(String.format(Locale.ROOT, "epoch %d done in %.1fs: %s", epoch, (System.nanoTime() - epochStart) / 1e9, line));
    }

    @Override public void onFitEnd(Trainer trainer) { closeBar(); }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.4g", v);
    }
}

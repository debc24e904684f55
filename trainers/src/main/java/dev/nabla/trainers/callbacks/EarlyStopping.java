package dev.nabla.trainers.callbacks;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.trainers.Trainer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stops training when {@code monitor} has not improved by more than {@code minDelta} for {@code patience} epochs;
 * with {@code restoreBestWeights}, puts back the weights of the best epoch when it stops (they are kept as
 * copies on the model's device).
 */
public final class EarlyStopping implements Callback {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EarlyStopping.class);

    private final String monitor;
    private final Mode mode;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBestWeights;
    private double best = Double.NaN;
    private int bestEpoch = -1;
    private int wait;
    private int stoppedEpoch = -1;
    private Map<String, Tensor> bestWeights;

    public EarlyStopping(String monitor, Mode mode, int patience, double minDelta, boolean restoreBestWeights) {
        if (monitor == null || monitor.isEmpty()) throw new InvalidArgumentException("EarlyStopping: monitor must name a metric");
        if (patience < 0) throw new InvalidArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        if (!(minDelta >= 0)) throw new InvalidArgumentException("EarlyStopping: minDelta must be >= 0, got " + minDelta);
        this.monitor = monitor;
        this.mode = mode;
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBestWeights = restoreBestWeights;
    }

    /** Patience epochs without improvement, no min delta, best weights restored. */
    public EarlyStopping(String monitor, Mode mode, int patience) { this(monitor, mode, patience, 0, true); }

    public double bestValue() { return best; }

    public int bestEpoch() { return bestEpoch; }

    /** The epoch after which training was stopped, or -1. */
    public int stoppedEpoch() { return stoppedEpoch; }

    @Override public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> metrics) {
        double v = Monitor.read("EarlyStopping", monitor, metrics);
        if (mode.improves(v, best, minDelta)) {
            best = v;
            bestEpoch = epoch;
            wait = 0;
            if (restoreBestWeights) snapshot(trainer);
            return;
        }
        wait++;
        if (wait >= patience) {
            stoppedEpoch = epoch;
            String reason = "EarlyStopping: " + monitor + " did not improve on " + best + " (epoch " + bestEpoch + ") for " + wait + " epochs";
            if (restoreBestWeights && bestWeights != null) {
                trainer.model().loadStateDict(bestWeights);
                reason += "; restored the weights of epoch " + bestEpoch;
            }
            LOG.info(reason);
            trainer.requestStop(reason);
        }
    }

    private void snapshot(Trainer trainer) {
        release();
        Map<String, Tensor> copy = new LinkedHashMap<>();
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : trainer.model().stateDict().entrySet()) copy.put(e.getKey(), Scope.detach(e.getValue().copy()));
        }
        bestWeights = copy;
    }

    private void release() {
        if (bestWeights != null) bestWeights.values().forEach(Tensor::close);
        bestWeights = null;
    }

    @Override public void onFitEnd(Trainer trainer) { release(); }
}

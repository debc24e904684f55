package dev.nabla.trainers.callbacks;

import dev.nabla.runtime.InvalidArgumentException;

import java.util.Map;

final class Monitor {
    private Monitor() {}

    static double read(String who, String monitor, Map<String, Double> metrics) {
        Double v = metrics.get(monitor);
        if (v == null) {
            throw new InvalidArgumentException(who + ": the monitored metric '" + monitor + "' is not among this epoch's metrics "
                    + metrics.keySet() + " (validation metrics need a validation loader)");
        }
        return v;
    }
}

package dev.nabla.samples.bench;

import java.util.Arrays;

/** Warm-up, then the median of timed runs. */
final class Timing {
    private Timing() {}

    /** One timed thing. */
    @FunctionalInterface
    interface Body { void run() throws Exception; }

    /**
     * Runs {@code body} {@code warmup} times untimed, then {@code repeats} times timed; returns each run's
     * milliseconds. With {@link Pace} serving, the timed runs are slices of {@code repeats} runs, as many as the driver
     * asks for, all of them returned.
     */
    static double[] measure(String key, int warmup, int repeats, Body body) throws Exception {
        for (int i = 0; i < warmup; i++) body.run();
        return Pace.slices(key, () -> {
            double[] ms = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                body.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return ms;
        });
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}

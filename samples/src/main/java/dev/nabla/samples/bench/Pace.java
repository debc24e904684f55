package dev.nabla.samples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Paired timing ({@code BenchMain --child --serve}): the driver {@code ci/bench/paired.py} runs this process and
 * the reference's side by side and lets them take turns, a slice of timed runs at a time, so that both sides of
 * every ratio are measured within a second of each other. (This kind of shared VM has phases of seconds to
 * minutes in which all code runs 25-50% slower; separate runs a minute apart gave single ratios of 0.78 to 1.47
 * for the same build.)
 *
 * <p>The protocol, one line each way, on stdin and stdout; the process's own lines (logging) go to stdout too, so
 * every line of the protocol starts with {@code @pace}:
 * <pre>
 *   child: @pace ready KEY          (warmed up, waiting)
 *   driver: go                      child: @pace value KEY MS   (one slice: the median ms of its runs)
 *   driver: go ...
 *   driver: next                    (the next key, or the end)
 *   child: @pace end                (results written, exiting)
 * </pre>
 * Without {@code --serve} ({@link #enabled()} false) nothing waits: each key is one slice of its runs.
 */
final class Pace {
    private static volatile boolean enabled;
    private static BufferedReader in;
    private static PrintStream out;

    private Pace() {}

    /** One slice of timed runs: each run's milliseconds. */
    @FunctionalInterface
    interface Slice { double[] run() throws Exception; }

    static void enable() {
        enable(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
    }

    /** Serving on the given streams (tests); {@link #disable} ends it. */
    static void enable(BufferedReader commands, PrintStream lines) {
        in = commands;
        out = lines;
        enabled = true;
    }

    static void disable() {
        enabled = false;
    }

    static boolean enabled() { return enabled; }

    /**
     * The runs of {@code key}: one slice without the driver; with it, a slice per "go" until "next", all their
     * runs in order.
     */
    static double[] slices(String key, Slice slice) throws Exception {
        if (!enabled) return slice.run();
        say("ready " + key);
        double[] all = new double[0];
        while (true) {
            String cmd = read(key);
            if (cmd.equals("next")) return all;
            if (!cmd.equals("go")) {
                throw new IllegalStateException("bench --serve: expected 'go' or 'next' for " + key + ", got '" + cmd + "'");
            }
            double[] ms = slice.run();
            say(String.format(Locale.ROOT, "value %s %.6f", key, Timing.median(ms)));
            int n = all.length;
            all = Arrays.copyOf(all, n + ms.length);
            System.arraycopy(ms, 0, all, n, ms.length);
        }
    }

    /** Tells the driver this process is done (its results file written). */
    static void end() {
        if (enabled) say("end");
    }

    private static void say(String line) {
        out.println("@pace " + line);
        out.flush();
    }

    private static String read(String key) {
        try {
            String line = in.readLine();
            if (line == null) throw new IllegalStateException("bench --serve: the driver closed stdin while " + key + " waited");
            return line.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

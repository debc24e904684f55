package dev.nabla.samples.bench;

import dev.nabla.runtime.backend.Backend;

import java.util.Locale;

/**
 * Timing of asynchronous (GPU) work: kernels are queued on a stream, so a run is only over when the backend
 * has synchronised. Warm-up, then each timed sample is {@code inner} runs between two synchronisations,
 * divided by {@code inner}; rows report the median sample. On the CPU backend synchronising is a no-op and
 * this is plain wall-clock timing. The backend's allocated bytes are compared before and after the timed
 * samples: per-step tensors must be freed (a {@code Scope} per step), so memory stays flat.
 */
final class GpuTiming {
    private GpuTiming() {}

    /** Milliseconds per run, one value per timed sample, and how much the allocated memory grew while timing. */
    record Samples(double[] ms, long grownBytes, long peakBytes) {
        double median() { return Timing.median(ms); }

        /** How the row was measured, for its note. */
        String describe(int inner) {
            String s = "median of " + ms.length + (inner > 1 ? " samples of " + inner + " runs" : " runs")
                    + String.format(Locale.ROOT, ", peak %.0f MiB", peakBytes / 1048576.0);
            return grownBytes > 0 ? s + String.format(Locale.ROOT, ", memory grew %.1f MiB while timing", grownBytes / 1048576.0) : s;
        }
    }

    static Samples measure(Backend backend, GpuSizes s, int inner, Timing.Body body) throws Exception {
        long warmEnd = System.nanoTime() + (long) (s.warmupSeconds() * 1e9);
        for (int i = 0; i < s.warmup() * inner || System.nanoTime() < warmEnd; i++) body.run();
        backend.synchronize();
        long before = backend.memoryStats().allocated();
        backend.resetPeak();
        double[] ms = new double[s.repeats()];
        for (int r = 0; r < s.repeats(); r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) body.run();
            backend.synchronize();
            ms[r] = (System.nanoTime() - t0) / 1e6 / inner;
        }
        long after = backend.memoryStats().allocated();
        return new Samples(ms, after - before, backend.memoryStats().peak());
    }

    /** Inner runs for a GEMM of {@code flops}: enough that a sample lasts milliseconds even at n = 1024 (at most 100). */
    static int gemmInner(double flops) { return (int) Math.max(1, Math.min(100, Math.round(2e11 / flops))); }
}

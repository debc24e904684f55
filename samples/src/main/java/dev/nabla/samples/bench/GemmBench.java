package dev.nabla.samples.bench;

import dev.nabla.runtime.cpu.CpuGemm;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * float32 C = A B for square n x n matrices through {@link CpuGemm#sgemm}, the kernel every CPU matrix
 * product goes through (matmul, conv, attention). Calling it directly measures the kernel, not the
 * allocation of the output tensor, just as the reference calls numpy's sgemm into a preallocated output.
 */
final class GemmBench {
    static final int[] SIZES = {256, 512, 1024, 2048};
    /** Time-based warm-up per size (the reference warms up alike), before the counted warm-up runs. */
    static final long WARM_NANOS = 500_000_000L;

    private GemmBench() {}

    static List<Result> run(int threads, int repeats) throws Exception {
        List<Result> out = new ArrayList<>();
        warmUpJit();
        for (int n : SIZES) out.add(one(n, threads, repeats));
        return out;
    }

    /**
     * A second of small products first, so that C2 has compiled the GEMM kernels before the first (smallest)
     * size is timed: its few warm-up runs last milliseconds, less than the JIT takes.
     */
    private static void warmUpJit() {
        int n = 192;
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        java.util.Arrays.fill(a, 0.5f);
        java.util.Arrays.fill(b, 0.25f);
        long end = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < end) CpuGemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    }

    static Result one(int n, int threads, int repeats) throws Exception {
        SplittableRandom r = new SplittableRandom(n);
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
            b[i] = (float) r.nextDouble(-1, 1);
        }
        double flops = 2.0 * n * n * n;
        // Enough runs that each size takes a comparable, short time; at least 3 for a median.
        int reps = Math.max(repeats, (int) Math.min(50, 2e10 / flops));
        int warm = Math.max(2, reps / 3);
        Timing.Body product = () -> CpuGemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        // Half a second of this very product first: on a busy 2-vCPU VM, C2 took over a second to replace the C1
        // code of the kernels, which meanwhile deoptimised hundreds of times into the interpreter (15-21 GFLOP/s for
        // n = 256 right after the shared warm-up, LogCompilation: Reason_constraint in the Vector API's fallbacks).
        for (long end = System.nanoTime() + WARM_NANOS; System.nanoTime() < end; ) product.run();
        String key = BenchKeys.gemm(n, threads);
        double[] ms = Timing.measure(key, warm, reps, product);
        double med = Timing.median(ms);
        return new Result(key, flops / (med * 1e6), "GFLOP/s",
                "CpuGemm " + CpuGemm.implementation() + "; median of " + ms.length + " after " + warm + " warm-up");
    }
}

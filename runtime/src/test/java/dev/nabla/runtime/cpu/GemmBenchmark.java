package dev.nabla.runtime.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * Prints CpuGemm GFLOP/s for square float32/float64 products. Not a test: run it by hand, e.g.
 * {@code java -cp runtime/target/classes:runtime/target/test-classes -Dnabla.cpu.threads=1 dev.nabla.runtime.cpu.GemmBenchmark}.
 * Reports wall-clock and, single-threaded, CPU-time rates (the latter is steadier on a shared machine).
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Random r = new Random(1);
        System.out.println("threads=" + CpuThreads.threads());
        for (boolean dbl : new boolean[]{false, true}) {
            for (int n : new int[]{256, 512, 1024}) {
                float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
                double[] ad = new double[n * n], bd = new double[n * n], cd = new double[n * n];
                for (int i = 0; i < n * n; i++) {
                    a[i] = r.nextFloat();
                    b[i] = r.nextFloat();
                    ad[i] = a[i];
                    bd[i] = b[i];
                }
                int reps = Math.max(3, (int) (4e9 / (2.0 * n * n * n)));
                double bestWall = 0, bestCpu = 0;
                for (int round = 0; round < 5; round++) {
                    long w0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
                    for (int it = 0; it < reps; it++) {
                        if (dbl) CpuGemm.dgemm(false, false, n, n, n, 1, ad, 0, n, bd, 0, n, 0, cd, 0, n);
                        else CpuGemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                    }
                    double flops = 2.0 * n * n * n * reps;
                    bestWall = Math.max(bestWall, flops / (System.nanoTime() - w0));
                    bestCpu = Math.max(bestCpu, flops / (mx.getCurrentThreadCpuTime() - c0));
                }
                System.out.printf("%s n=%4d  wall %.1f GFLOP/s%s%n", dbl ? "f64" : "f32", n, bestWall,
                        CpuThreads.threads() == 1 ? String.format("  cpu-time %.1f GFLOP/s", bestCpu) : "");
            }
        }
    }
}

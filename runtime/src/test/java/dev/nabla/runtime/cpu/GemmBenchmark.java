package dev.nabla.runtime.cpu;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * Prints CpuGemm GFLOP/s for square float32/float64 products. Not a test: run it by hand, e.g.
 * {@code java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes:SLF4J_API_JAR
 * -Dnabla.cpu.threads=1 dev.nabla.runtime.cpu.GemmBenchmark [sizes...]} (without the module, or with
 * {@code -Dnabla.cpu.vector=false}, it measures the scalar path).
 * Reports wall-clock and CPU-time rates (the latter is steadier on a shared machine): single-threaded the main
 * thread's CPU time, multi-threaded the whole process's (flops per CPU-second spent, all threads together).
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Random r = new Random(1);
        System.out.println("threads=" + CpuThreads.threads() + " gemm=" + CpuGemm.implementation());
        int[] sizes = args.length == 0 ? new int[]{256, 512, 1024, 2048} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (boolean dbl : new boolean[]{false, true}) {
            for (int n : sizes) {
                float[] a = new float[n * n], b = new float[n * n], c = new float[n * n];
                double[] ad = new double[n * n], bd = new double[n * n], cd = new double[n * n];
                for (int i = 0; i < n * n; i++) {
                    a[i] = r.nextFloat();
                    b[i] = r.nextFloat();
                    ad[i] = a[i];
                    bd[i] = b[i];
                }
                int reps = Math.max(2, (int) (4e9 / (2.0 * n * n * n)));
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                double bestWall = 0, bestCpu = 0, bestProc = 0;
                for (int round = 0; round < (n >= 2048 ? 3 : 5); round++) {
                    long w0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime(), p0 = os.getProcessCpuTime();
                    for (int it = 0; it < reps; it++) {
                        if (dbl) CpuGemm.dgemm(false, false, n, n, n, 1, ad, 0, n, bd, 0, n, 0, cd, 0, n);
                        else CpuGemm.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                    }
                    double flops = 2.0 * n * n * n * reps;
                    bestWall = Math.max(bestWall, flops / (System.nanoTime() - w0));
                    bestCpu = Math.max(bestCpu, flops / (mx.getCurrentThreadCpuTime() - c0));
                    bestProc = Math.max(bestProc, flops / (os.getProcessCpuTime() - p0));
                }
                System.out.printf("%s n=%4d  wall %.1f GFLOP/s  %s%n", dbl ? "f64" : "f32", n, bestWall,
                        CpuThreads.threads() == 1 ? String.format("cpu-time %.1f GFLOP/s", bestCpu)
                                : String.format("per CPU-second of the process %.1f GFLOP/s", bestProc));
            }
        }
    }
}

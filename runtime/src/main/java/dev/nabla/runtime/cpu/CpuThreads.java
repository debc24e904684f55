package dev.nabla.runtime.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The CPU backend's worker pool. Size: {@code -Dnabla.cpu.threads=N}, else the number of cores.
 * Work is split into contiguous ranges; small ranges run on the calling thread.
 */
public final class CpuThreads {
    private static final int THREADS = Math.max(1, Integer.getInteger("nabla.cpu.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = THREADS == 1 ? null : new ForkJoinPool(THREADS,
            pool -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("nabla-cpu-" + t.getPoolIndex());
                t.setDaemon(true);
                return t;
            }, null, false);

    private CpuThreads() {}

    /** A body over the half-open range [from, to). */
    @FunctionalInterface
    public interface RangeBody { void run(int from, int to); }

    public static int threads() { return THREADS; }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} chunks, each of at least
     * {@code grain} iterations. Runs inline when one chunk suffices or when already on a worker.
     */
    public static void parallelFor(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || POOL == null || (Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL)) {
            body.run(0, n);
            return;
        }
        RecursiveAction[] tasks = new RecursiveAction[chunks];
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            tasks[c] = new RecursiveAction() {
                @Override protected void compute() { body.run(from, to); }
            };
        }
        POOL.invoke(new RecursiveAction() {
            @Override protected void compute() { invokeAll(tasks); }
        });
    }
}

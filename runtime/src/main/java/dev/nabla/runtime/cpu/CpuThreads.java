package dev.nabla.runtime.cpu;

import java.util.concurrent.ForkJoinPool;

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
     *
     * <p>The calling thread works too: the chunks go to whichever thread claims them first (the caller and
     * {@code chunks - 1} pool tasks), so a product never waits for a worker to wake up while the caller
     * could be running its chunk (a wake-up costs ~10-20 us, the size of a small training op). Chunk
     * boundaries do not depend on who runs them, so results are the same whatever the timing. The first
     * exception a chunk throws is rethrown here once every claimed chunk has finished.
     */
    public static void parallelFor(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || POOL == null || (Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL)) {
            body.run(0, n);
            return;
        }
        Split split = new Split(n, chunks, body);
        for (int c = 1; c < chunks; c++) POOL.execute(split::claimAll);
        split.claimAll();
        split.await();
    }

    /** One parallelFor call: chunks handed out by a counter, finished chunks counted down. */
    private static final class Split {
        private final int n, chunks;
        private final RangeBody body;
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.CountDownLatch done;
        private final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();

        Split(int n, int chunks, RangeBody body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
            this.done = new java.util.concurrent.CountDownLatch(chunks);
        }

        void claimAll() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    if (failure.get() == null) body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        }

        void await() {
            // A worker's chunk usually ends within microseconds of the caller's: spin briefly before parking.
            for (int i = 0; i < 500 && done.getCount() != 0; i++) Thread.onSpinWait();
            boolean interrupted = false;
            while (done.getCount() != 0) {
                try {
                    done.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }
    }
}

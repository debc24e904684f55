package dev.nabla.runtime.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend's worker threads. Size: {@code -Dnabla.cpu.threads=N}, else the number of cores (the calling
 * thread counts as one: N - 1 workers). Work is split into contiguous ranges; small ranges run on the calling
 * thread.
 *
 * <p>An idle worker spins for {@code -Dnabla.cpu.spinMicros} (default 200) microseconds before it parks, as
 * OpenMP runtimes and OpenBLAS's threads do: a training step is hundreds of back-to-back parallel ops, and waking
 * a parked thread costs far more than an op's share of work on a virtual machine. Measured on a 2-vCPU Zen 3 VM
 * (JDK 17): a [2048, 512] x [512, 128] product took 1.9 ms back to back but 2.4-3.5 ms when 0.2-2 ms of serial
 * work separated the calls and the worker had parked (ForkJoinPool workers, which park at once).
 */
public final class CpuThreads {
    private static final int THREADS = Math.max(1, Integer.getInteger("nabla.cpu.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final long SPIN_NANOS = Math.max(0, Long.getLong("nabla.cpu.spinMicros", 200)) * 1000;
    private static final Worker[] WORKERS = startWorkers(THREADS - 1);
    /** Held by the one parallelFor whose chunks the workers take; a concurrent caller runs its range inline. */
    private static final AtomicBoolean IN_USE = new AtomicBoolean();

    private CpuThreads() {}

    /** A body over the half-open range [from, to). */
    @FunctionalInterface
    public interface RangeBody { void run(int from, int to); }

    public static int threads() { return THREADS; }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} chunks, each of at least
     * {@code grain} iterations. Runs inline when one chunk suffices, when called from a worker (a nested call)
     * or while another thread's call holds the workers.
     *
     * <p>The calling thread works too: the chunks go to whichever thread claims them first (the caller and
     * {@code chunks - 1} workers), so a product never waits for a worker to wake up while the caller could be
     * running its chunk. Chunk boundaries do not depend on who runs them, so results are the same whatever the
     * timing. The first exception a chunk throws is rethrown here once every claimed chunk has finished.
     */
    public static void parallelFor(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || Thread.currentThread() instanceof Worker || !IN_USE.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            Split split = new Split(n, chunks, body);
            for (int w = 0; w < chunks - 1; w++) WORKERS[w].offer(split);
            split.claimAll();
            split.await();
        } finally {
            IN_USE.set(false);
        }
    }

    private static Worker[] startWorkers(int count) {
        Worker[] w = new Worker[count];
        for (int i = 0; i < count; i++) {
            w[i] = new Worker(i);
            w[i].start();
        }
        return w;
    }

    /** A daemon thread that runs the chunks of the splits offered to it, spinning a while between them. */
    private static final class Worker extends Thread {
        private final AtomicReference<Split> job = new AtomicReference<>();
        private volatile boolean parked;

        Worker(int index) {
            super("nabla-cpu-" + index);
            setDaemon(true);
        }

        /** Hands {@code s} to this worker; a worker that is still busy with an earlier split takes it after that. */
        void offer(Split s) {
            job.set(s);
            // parked is written before the worker's last look at job, job before this read: one of the two sees
            // the other's write, so the worker never sleeps on an offered split
            if (parked) LockSupport.unpark(this);
        }

        @Override public void run() {
            while (true) {
                Split s = job.getAndSet(null);
                if (s != null) {
                    s.claimAll();
                    continue;
                }
                long t0 = System.nanoTime();
                while (job.get() == null && System.nanoTime() - t0 < SPIN_NANOS) Thread.onSpinWait();
                if (job.get() != null) continue;
                parked = true;
                if (job.get() == null) LockSupport.park(this);
                parked = false;
            }
        }
    }

    /** One parallelFor call: chunks handed out by a counter, finished chunks counted down. */
    private static final class Split {
        private final int n, chunks;
        private final RangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Split(int n, int chunks, RangeBody body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
            this.done = new CountDownLatch(chunks);
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
            // A worker's chunk usually ends soon after the caller's (a little later when the worker had to wake
            // up): spin up to ten spin periods before parking, so that the caller does not have to be woken either.
            long t0 = System.nanoTime();
            while (done.getCount() != 0 && System.nanoTime() - t0 < 10 * SPIN_NANOS) Thread.onSpinWait();
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

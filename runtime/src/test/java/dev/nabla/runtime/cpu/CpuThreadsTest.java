package dev.nabla.runtime.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CpuThreadsTest {
    @Test
    void everyIndexRunsExactlyOnceForAnySizeAndGrain() {
        for (int n : new int[]{1, 2, 3, 7, 64, 1000, 100_003}) {
            for (int grain : new int[]{1, 3, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                CpuThreads.parallelFor(n, grain, (from, to) -> {
                    for (int i = from; i < to; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n " + n + " grain " + grain + " index " + i);
            }
        }
    }

    @Test
    void nestedCallsFinishAndCoverTheirRanges() {
        int outer = 16, inner = 5000;
        AtomicIntegerArray hits = new AtomicIntegerArray(outer * inner);
        CpuThreads.parallelFor(outer, 1, (a, b) -> {
            for (int o = a; o < b; o++) {
                int base = o * inner;
                CpuThreads.parallelFor(inner, 1, (from, to) -> {
                    for (int i = from; i < to; i++) hits.incrementAndGet(base + i);
                });
            }
        });
        for (int i = 0; i < outer * inner; i++) assertEquals(1, hits.get(i), "index " + i);
    }

    @Test
    void theFirstExceptionIsRethrownAsThrown() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        var e = assertThrows(IllegalArgumentException.class, () -> CpuThreads.parallelFor(1000, 1, (from, to) -> {
            throw boom;
        }));
        assertSame(boom, e);
        AssertionError err = new AssertionError("err");
        assertSame(err, assertThrows(AssertionError.class, () -> CpuThreads.parallelFor(1000, 1, (from, to) -> {
            if (from == 0) throw err;
        })));
        // The pool is still usable afterwards.
        AtomicIntegerArray hits = new AtomicIntegerArray(100);
        CpuThreads.parallelFor(100, 1, (from, to) -> { for (int i = from; i < to; i++) hits.incrementAndGet(i); });
        for (int i = 0; i < 100; i++) assertEquals(1, hits.get(i));
    }
    @Test
    void concurrentCallersFromSeveralThreadsEachCoverTheirRange() throws Exception {
        // one caller holds the workers at a time; the others run their ranges inline
        int callers = 4, rounds = 200, n = 3000;
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread[] ts = new Thread[callers];
        for (int c = 0; c < callers; c++) {
            ts[c] = new Thread(() -> {
                try {
                    for (int r = 0; r < rounds; r++) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        CpuThreads.parallelFor(n, 7, (from, to) -> {
                            for (int i = from; i < to; i++) hits.incrementAndGet(i);
                        });
                        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "round " + r + " index " + i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            ts[c].start();
        }
        for (Thread t : ts) t.join(60_000);
        for (Thread t : ts) assertEquals(false, t.isAlive(), "a caller did not finish");
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    @Test
    void workersThatParkedWakeUpForTheNextCall() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(CpuThreads.threads() > 1, "one thread: no workers");
        for (int r = 0; r < 3; r++) {
            Thread.sleep(20); // far longer than the spin: the workers have parked
            java.util.Set<String> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
            CpuThreads.parallelFor(2, 1, (from, to) -> {
                ran.add(Thread.currentThread().getName());
                // whoever takes the first chunk waits (bounded) for another thread to take the second
                long t0 = System.nanoTime();
                while (ran.size() < 2 && System.nanoTime() - t0 < 5_000_000_000L) Thread.onSpinWait();
            });
            assertEquals(2, ran.size(), "round " + r + ": a parked worker took the second chunk, threads " + ran);
        }
    }
}

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
}

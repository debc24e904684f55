package dev.nabla.runtime.cuda;

import dev.nabla.runtime.backend.MemoryStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The caching policy, driven by a fake raw allocator: no GPU needed. */
class CudaAllocatorTest {
    /** Hands out numbered blocks up to a capacity; records every call. */
    static final class FakeRaw implements RawAllocator<Long> {
        long capacity, used, next = 1;
        final List<Long> allocations = new ArrayList<>();
        final List<Long> frees = new ArrayList<>();
        final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();

        FakeRaw(long capacity) { this.capacity = capacity; }

        @Override public Long allocate(long bytes) {
            allocations.add(bytes);
            if (used + bytes > capacity) return null;
            used += bytes;
            sizes.put(next, bytes);
            return next++;
        }

        @Override public void free(Long handle) {
            frees.add(handle);
            used -= sizes.remove(handle);
        }
    }

    private static final long MB = 1L << 20;

    @Test
    void smallRequestsRoundUpTo512BytesAndLargeOnesTo2MiB() {
        assertEquals(512, CudaAllocator.roundUp(1));
        assertEquals(512, CudaAllocator.roundUp(512));
        assertEquals(1024, CudaAllocator.roundUp(513));
        assertEquals(512, CudaAllocator.roundUp(0));
        assertEquals(MB, CudaAllocator.roundUp(MB));
        assertEquals(2 * MB, CudaAllocator.roundUp(MB + 1));
        assertEquals(4 * MB, CudaAllocator.roundUp(2 * MB + 1));
    }

    @Test
    void aFreedBlockIsReusedWithoutAskingTheRawAllocator() {
        FakeRaw raw = new FakeRaw(1L << 30);
        CudaAllocator<Long> a = new CudaAllocator<>(raw, "fake:0");
        CudaAllocator.Block<Long> b1 = a.allocate(1000);
        a.free(b1);
        CudaAllocator.Block<Long> b2 = a.allocate(900); // same 1024-byte class
        assertSame(b1.handle(), b2.handle());
        assertEquals(1, raw.allocations.size());
        assertEquals(1, a.rawAllocations());
    }

    @Test
    void aWarmLoopMakesNoRawAllocations() {
        FakeRaw raw = new FakeRaw(1L << 30);
        CudaAllocator<Long> a = new CudaAllocator<>(raw, "fake:0");
        long[] step = {4096, 100_000, 3 * MB, 7 * MB, 512};
        for (int iter = 0; iter < 5; iter++) {
            List<CudaAllocator.Block<Long>> live = new ArrayList<>();
            for (long s : step) live.add(a.allocate(s));
            for (CudaAllocator.Block<Long> b : live) a.free(b);
        }
        assertEquals(step.length, a.rawAllocations());
    }

    @Test
    void aSmallRequestDoesNotTakeALargerSmallBlock() {
        FakeRaw raw = new FakeRaw(1L << 30);
        CudaAllocator<Long> a = new CudaAllocator<>(raw, "fake:0");
        a.free(a.allocate(4096));
        a.allocate(512);
        assertEquals(2, raw.allocations.size());
    }

    @Test
    void aLargeRequestTakesACachedBlockAtMostTwiceItsSize() {
        FakeRaw raw = new FakeRaw(1L << 30);
        CudaAllocator<Long> a = new CudaAllocator<>(raw, "fake:0");
        CudaAllocator.Block<Long> big = a.allocate(6 * MB);
        a.free(big);
        CudaAllocator.Block<Long> fits = a.allocate(4 * MB); // 6 MiB <= 2 x 4 MiB: reused
        assertSame(big.handle(), fits.handle());
        a.free(fits);
        a.allocate(2 * MB); // 6 MiB > 2 x 2 MiB: a new block
        assertEquals(2, raw.allocations.size());
    }

    @Test
    void statsCountAllocatedReservedPeakAndLiveBuffers() {
        CudaAllocator<Long> a = new CudaAllocator<>(new FakeRaw(1L << 30), "fake:0");
        CudaAllocator.Block<Long> x = a.allocate(1000);     // 1024
        CudaAllocator.Block<Long> y = a.allocate(3 * MB);   // 4 MiB
        assertEquals(new MemoryStats(1024 + 4 * MB, 1024 + 4 * MB, 1024 + 4 * MB, 2), a.stats());
        a.free(y);
        assertEquals(new MemoryStats(1024, 1024 + 4 * MB, 1024 + 4 * MB, 1), a.stats());
        a.resetPeak();
        assertEquals(1024, a.stats().peak());
        a.free(x);
        assertEquals(0, a.stats().allocated());
        assertEquals(0, a.stats().liveBuffers());
    }

    @Test
    void emptyCacheReturnsEveryCachedBlockAndKeepsLiveOnes() {
        FakeRaw raw = new FakeRaw(1L << 30);
        CudaAllocator<Long> a = new CudaAllocator<>(raw, "fake:0");
        CudaAllocator.Block<Long> keep = a.allocate(1000);
        a.free(a.allocate(5000));
        a.free(a.allocate(5 * MB));
        a.emptyCache();
        assertEquals(2, raw.frees.size());
        assertFalse(raw.frees.contains(keep.handle()));
        assertEquals(1024, a.stats().reserved());
        assertEquals(0, a.cachedBytes());
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetriesOnce() {
        FakeRaw raw = new FakeRaw(8 * MB);
        CudaAllocator<Long> a = new CudaAllocator<>(raw, "fake:0");
        a.free(a.allocate(6 * MB));               // 6 MiB cached, 2 MiB left on the device
        CudaAllocator.Block<Long> b = a.allocate(7 * MB); // 8 MiB class: fails, cache emptied, retry succeeds
        assertTrue(b.isLive());
        assertEquals(List.of(6 * MB, 8 * MB, 8 * MB), raw.allocations);
        assertEquals(1, raw.frees.size());
    }

    @Test
    void outOfMemoryAfterTheRetryThrowsWithTheFigures() {
        FakeRaw raw = new FakeRaw(8 * MB);
        CudaAllocator<Long> a = new CudaAllocator<>(raw, "fake:0");
        a.allocate(5 * MB); // 6 MiB live
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(3 * MB));
        assertEquals(2, raw.allocations.size() - 1, "one try and one retry after the first allocation");
        assertEquals(3 * MB, e.requestedBytes());
        assertEquals(6 * MB, e.stats().allocated());
        String m = e.getMessage();
        assertTrue(m.startsWith("fake:0: out of memory allocating 3145728 bytes"), m);
        assertTrue(m.contains("allocated=6291456 B"), m);
        assertTrue(m.contains("reserved=6291456 B"), m);
        assertTrue(m.contains("peak=6291456 B"), m);
        assertTrue(m.contains("live buffers=1"), m);
    }

    @Test
    void freeingABlockTwiceIsAnError() {
        CudaAllocator<Long> a = new CudaAllocator<>(new FakeRaw(1L << 30), "fake:0");
        CudaAllocator.Block<Long> b = a.allocate(100);
        a.free(b);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.free(b));
        assertTrue(e.getMessage().contains("freed twice"), e.getMessage());
    }
}

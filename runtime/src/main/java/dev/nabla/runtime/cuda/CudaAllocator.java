package dev.nabla.runtime.cuda;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.MemoryStats;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching device allocator: freed blocks go to size-class bins and are handed out again, so after the
 * first training step no allocation reaches the driver (whose {@code cuMemAlloc}/{@code cuMemFree} are
 * slow and synchronising).
 *
 * <p>Size classes: requests up to {@link #SMALL_LIMIT} round up to a multiple of {@link #SMALL_GRANULE}
 * (512 B) and reuse only a block of exactly that class; larger requests round up to a multiple of
 * {@link #LARGE_GRANULE} (2 MiB) and take the smallest cached block that is at least that big but at
 * most twice it (best fit, bounded waste; blocks are never split, which keeps the bookkeeping trivial).
 *
 * <p>When the raw allocator fails, the cache is returned to it and the request retried once; a second
 * failure throws {@link CudaOutOfMemoryException} with the figures. Figures: {@code allocated} counts the
 * rounded sizes of live blocks, {@code reserved} adds the cached ones, {@code peak} is the highest
 * {@code allocated}. Thread-safe (one lock; the work under it is a map lookup).
 *
 * @param <H> the raw block handle
 */
public final class CudaAllocator<H> {
    public static final long SMALL_GRANULE = 512;
    public static final long SMALL_LIMIT = 1L << 20;
    public static final long LARGE_GRANULE = 2L << 20;

    /** A block handed out to a buffer; give it back with {@link #free(Block)}. */
    public static final class Block<H> {
        private final H handle;
        private final long size;
        private boolean live;

        private Block(H handle, long size) { this.handle = handle; this.size = size; }

        public H handle() { return handle; }

        /** The rounded size actually reserved. */
        public long size() { return size; }

        public boolean isLive() { return live; }
    }

    private final RawAllocator<H> raw;
    private final String device;
    private final TreeMap<Long, ArrayDeque<Block<H>>> cache = new TreeMap<>();
    private long allocated, cached, peak, live, rawAllocations;

    public CudaAllocator(RawAllocator<H> raw, String device) {
        this.raw = raw;
        this.device = device;
    }

    /** The size class of a request. */
    public static long roundUp(long bytes) {
        if (bytes <= 0) return SMALL_GRANULE;
        long g = bytes <= SMALL_LIMIT ? SMALL_GRANULE : LARGE_GRANULE;
        return (bytes + g - 1) / g * g;
    }

    /** A block of at least {@code bytes}, from the cache when one fits. */
    public synchronized Block<H> allocate(long bytes) {
        if (bytes < 0) throw new InvalidArgumentException(device + " allocate: negative size " + bytes + " bytes");
        long size = roundUp(bytes);
        Block<H> b = takeCached(size);
        if (b == null) {
            H h = raw.allocate(size);
            if (h == null) {
                releaseCache();
                h = raw.allocate(size);
                if (h == null) throw new CudaOutOfMemoryException(device, bytes, stats());
            }
            rawAllocations++;
            b = new Block<>(h, size);
        }
        b.live = true;
        allocated += b.size;
        live++;
        peak = Math.max(peak, allocated);
        return b;
    }

    /** Returns a block to the cache (not to the driver). Freeing twice is an error. */
    public synchronized void free(Block<H> b) {
        if (!b.live) throw new IllegalStateException(device + ": block of " + b.size + " bytes freed twice");
        b.live = false;
        allocated -= b.size;
        live--;
        cached += b.size;
        cache.computeIfAbsent(b.size, k -> new ArrayDeque<>()).push(b);
    }

    /** Gives every cached block back to the raw allocator. */
    public synchronized void emptyCache() { releaseCache(); }

    public synchronized MemoryStats stats() { return new MemoryStats(allocated, allocated + cached, peak, live); }

    public synchronized void resetPeak() { peak = allocated; }

    /** How many times the raw allocator was asked for memory (a warm loop keeps this constant). */
    public synchronized long rawAllocations() { return rawAllocations; }

    /** Bytes held in the cache. */
    public synchronized long cachedBytes() { return cached; }

    private Block<H> takeCached(long size) {
        long limit = size <= SMALL_LIMIT ? size : 2 * size;
        Map.Entry<Long, ArrayDeque<Block<H>>> e = cache.ceilingEntry(size);
        if (e == null || e.getKey() > limit) return null;
        Block<H> b = e.getValue().pop();
        if (e.getValue().isEmpty()) cache.remove(e.getKey());
        cached -= b.size;
        return b;
    }

    private void releaseCache() {
        for (ArrayDeque<Block<H>> bin : cache.values()) for (Block<H> b : bin) raw.free(b.handle);
        cache.clear();
        cached = 0;
    }
}

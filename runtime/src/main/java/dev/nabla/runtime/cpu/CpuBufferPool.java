package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Released CPU buffers kept for reuse, by dtype and exact length: the CPU side of what the CUDA caching
 * allocator does. A training step allocates the same large intermediates every step (a Transformer step at
 * batch 32 allocates ~230 MB, a CNN step ~130 MB); taking them from here saves the JVM zeroing fresh arrays
 * (about 20 GB/s, i.e. ~10 ms a step) and the garbage collector the churn of humongous objects.
 *
 * <p>Only buffers of at least {@link #MIN_ELEMENTS} elements are kept (smaller arrays come cheaply from the
 * thread's allocation buffer). At most {@code capacityBytes} are held: an offer past that empties the
 * pool first, so a pool filled with lengths nobody asks for any more (say, after an evaluation pass with
 * another batch size) makes room for the lengths in use. {@link #clear()} drops everything
 * ({@code Backend.emptyCache()}).
 *
 * <p>A buffer is in the pool at most once: {@link CpuBuffer#pooled} is set on the way in and cleared on the
 * way out, so releasing a buffer twice cannot hand the same array to two tensors.
 */
final class CpuBufferPool {
    static final int MIN_ELEMENTS = 1 << 14;

    private final ConcurrentHashMap<Long, ConcurrentLinkedDeque<CpuBuffer>> free = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long capacityBytes;

    CpuBufferPool(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    /** The default capacity: an eighth of the maximum heap, at most 1 GiB; 0 (no pooling) when set so. */
    static long defaultCapacity() {
        String p = System.getProperty("nabla.cpu.poolBytes");
        if (p != null) {
            try {
                return Math.max(0, Long.parseLong(p.trim()));
            } catch (NumberFormatException e) {
                throw new dev.nabla.runtime.InvalidArgumentException(
                        "-Dnabla.cpu.poolBytes: expected a number of bytes, got '" + p + "'");
            }
        }
        return Math.min(Runtime.getRuntime().maxMemory() / 8, 1L << 30);
    }

    private static long key(DType dtype, long size) {
        return (size << 2) | dtype.ordinal();
    }

    /** A free buffer of exactly this dtype and length, its old contents intact; null when none. */
    CpuBuffer take(DType dtype, long size) {
        if (size < MIN_ELEMENTS) return null;
        ConcurrentLinkedDeque<CpuBuffer> q = free.get(key(dtype, size));
        if (q == null) return null;
        CpuBuffer b = q.pollFirst();
        if (b == null) return null;
        bytes.addAndGet(-b.byteSize());
        b.pooled = false;
        return b;
    }

    /** Keeps a released buffer for reuse if it is large enough and fits; ignores one already pooled. */
    void offer(CpuBuffer b) {
        if (b.size < MIN_ELEMENTS || capacityBytes <= 0) return;
        long n = b.byteSize();
        if (n > capacityBytes) return;
        synchronized (b) {
            if (b.pooled) return;
            b.pooled = true;
        }
        if (bytes.addAndGet(n) > capacityBytes) {
            bytes.addAndGet(-n);
            clear();
            bytes.addAndGet(n);
        }
        free.computeIfAbsent(key(b.dtype, b.size), k -> new ConcurrentLinkedDeque<>()).offerFirst(b);
    }

    /** Bytes held for reuse. */
    long bytes() {
        return bytes.get();
    }

    /** Drops every held buffer (the garbage collector takes them). */
    void clear() {
        for (ConcurrentLinkedDeque<CpuBuffer> q : free.values()) {
            CpuBuffer b;
            while ((b = q.pollFirst()) != null) {
                bytes.addAndGet(-b.byteSize());
                b.pooled = false;
            }
        }
    }
}

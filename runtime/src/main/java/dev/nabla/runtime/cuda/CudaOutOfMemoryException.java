package dev.nabla.runtime.cuda;

import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.backend.MemoryStats;

/**
 * Device memory ran out even after the allocator returned its cached blocks to the driver. The message
 * and the fields carry the request and the allocator figures, so a user can tell a leak (allocated keeps
 * growing) from a batch that is simply too large.
 */
public class CudaOutOfMemoryException extends NablaException {
    private final long requestedBytes;
    private final transient MemoryStats stats;

    public CudaOutOfMemoryException(String device, long requestedBytes, MemoryStats stats) {
        super(String.format("%s: out of memory allocating %d bytes (%s) after emptying the allocator cache;"
                        + " allocated=%d B (%s), reserved=%d B (%s), peak=%d B (%s), live buffers=%d."
                        + " Close tensors you no longer need (use a Scope per step) or reduce the batch size.",
                device, requestedBytes, human(requestedBytes), stats.allocated(), human(stats.allocated()),
                stats.reserved(), human(stats.reserved()), stats.peak(), human(stats.peak()), stats.liveBuffers()));
        this.requestedBytes = requestedBytes;
        this.stats = stats;
    }

    public long requestedBytes() { return requestedBytes; }

    /** The allocator figures at the moment of failure. */
    public MemoryStats stats() { return stats; }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        return String.format("%.2f %s", v, units[u]);
    }
}

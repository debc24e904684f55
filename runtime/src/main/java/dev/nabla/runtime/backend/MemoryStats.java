package dev.nabla.runtime.backend;

/**
 * Memory figures of a backend, in bytes. {@code allocated}: held by live buffers;
 * {@code reserved}: taken from the system (allocated plus cached free blocks);
 * {@code peak}: the highest {@code allocated} since start or the last {@link Backend#resetPeak()}.
 */
public record MemoryStats(long allocated, long reserved, long peak, long liveBuffers) {
    @Override public String toString() {
        return String.format("allocated=%d B, reserved=%d B, peak=%d B, live buffers=%d", allocated, reserved, peak, liveBuffers);
    }
}

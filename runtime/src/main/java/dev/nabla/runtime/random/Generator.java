package dev.nabla.runtime.random;

/**
 * A seed and a stream offset. Each draw of n numbers takes the next n positions of the Philox stream
 * (rounded up to a whole block of 4), so a generator's state is two longs and can be saved in a checkpoint
 * and restored exactly.
 */
public final class Generator {
    private static final Generator GLOBAL = new Generator(0);

    private long seed;
    private long offset;

    public Generator(long seed) { this.seed = seed; }

    /** The process-wide generator used when an op is not given one. */
    public static Generator global() { return GLOBAL; }

    /** Reseeds the global generator (like {@code torch.manual_seed}). */
    public static void manualSeed(long seed) { GLOBAL.reset(seed, 0); }

    public synchronized long seed() { return seed; }

    public synchronized long offset() { return offset; }

    public synchronized void reset(long seed, long offset) {
        if (offset < 0) throw new IllegalArgumentException("Generator.reset: offset must be >= 0, got " + offset);
        this.seed = seed;
        this.offset = offset;
    }

    /** Reserves {@code n} stream positions and returns the first. */
    public synchronized long advance(long n) {
        if (n < 0) throw new IllegalArgumentException("Generator.advance: n must be >= 0, got " + n);
        long start = offset;
        offset += (n + 3) & ~3L;
        return start;
    }
}

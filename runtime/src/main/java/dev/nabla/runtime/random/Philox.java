package dev.nabla.runtime.random;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the
 * counter-based generator both backends use, so the same seed gives the same numbers on CPU and GPU.
 *
 * <p>Stream layout, shared with {@code native-kernels/src/main/cuda/random.cu}: the element at stream
 * position {@code pos} uses block {@code pos / 4} as the counter {@code (lo32, hi32, 0, 0)} and the key
 * {@code (lo32(seed), hi32(seed))}; uniform takes word {@code pos % 4}; normal takes the Box-Muller pair
 * of the block's words {@code (2p, 2p + 1)} with {@code p = (pos % 4) / 2}, cosine for even positions
 * and sine for odd ones.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final float TWO_POW_M24 = 1.0f / (1 << 24);

    private Philox() {}

    /** The four 32-bit words for counter block {@code block} under {@code seed}. */
    public static int[] block(long seed, long block) {
        int[] out = new int[4];
        block(seed, block, out);
        return out;
    }

    /** Writes the four words for {@code block} into {@code out}. */
    public static void block(long seed, long block, int[] out) {
        int c0 = (int) block, c1 = (int) (block >>> 32), c2 = 0, c3 = 0;
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            if (round < 9) { k0 += W0; k1 += W1; }
        }
        out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    }

    /** A word as a uniform float in [0, 1) with 24 random bits. */
    public static float toUniform(int word) { return (word >>> 8) * TWO_POW_M24; }

    /** A word as a uniform float in (0, 1], safe for log. */
    public static float toUniformOpenZero(int word) { return ((word >>> 8) + 1) * TWO_POW_M24; }

    /** Uniform [0, 1) at stream position {@code pos}. */
    public static float uniform(long seed, long pos) {
        return toUniform(block(seed, pos >>> 2)[(int) (pos & 3)]);
    }

    /** Standard normal (float arithmetic, as the f32 kernel computes it) at {@code pos}. */
    public static float normalFloat(long seed, long pos) {
        int[] w = block(seed, pos >>> 2);
        int p = (int) (pos & 3) >>> 1;
        float u1 = toUniformOpenZero(w[2 * p]);
        float u2 = toUniform(w[2 * p + 1]);
        float r = (float) Math.sqrt(-2.0f * (float) Math.log(u1));
        float t = (float) (2.0 * Math.PI) * u2;
        return (pos & 1) == 0 ? r * (float) Math.cos(t) : r * (float) Math.sin(t);
    }

    /** Standard normal (double arithmetic, as the f64 kernel computes it) at {@code pos}. */
    public static double normalDouble(long seed, long pos) {
        int[] w = block(seed, pos >>> 2);
        int p = (int) (pos & 3) >>> 1;
        double u1 = toUniformOpenZero(w[2 * p]);
        double u2 = toUniform(w[2 * p + 1]);
        double r = Math.sqrt(-2.0 * Math.log(u1));
        double t = 2.0 * Math.PI * u2;
        return (pos & 1) == 0 ? r * Math.cos(t) : r * Math.sin(t);
    }
}

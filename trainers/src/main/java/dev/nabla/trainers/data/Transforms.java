package dev.nabla.trainers.data;

import dev.nabla.runtime.InvalidArgumentException;

/** Standard transforms for images stored as {@code [c, h, w]}. */
public final class Transforms {
    private Transforms() {}

    /** (x - mean) / std on every value. */
    public static Transform normalize(int length, float mean, float std) {
        if (!(std > 0)) throw new InvalidArgumentException("normalize: std must be > 0, got " + std);
        return (in, off, rng) -> {
            for (int i = 0; i < length; i++) in[off + i] = (in[off + i] - mean) / std;
        };
    }

    /** Mirrors the image left-right with probability 1/2. */
    public static Transform randomHorizontalFlip(int c, int h, int w) {
        return (in, off, rng) -> {
            if (!rng.nextBoolean()) return;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    int row = off + (ch * h + y) * w;
                    for (int x = 0; x < w / 2; x++) {
                        float t = in[row + x];
                        in[row + x] = in[row + w - 1 - x];
                        in[row + w - 1 - x] = t;
                    }
                }
            }
        };
    }

    /** Pads by {@code pad} zeros on each side and crops a random {@code h x w} window back out. */
    public static Transform randomCrop(int c, int h, int w, int pad) {
        if (pad < 0) throw new InvalidArgumentException("randomCrop: pad must be >= 0, got " + pad);
        ThreadLocal<float[]> scratchPerThread = ThreadLocal.withInitial(() -> new float[c * h * w]);
        return (in, off, rng) -> {
            float[] scratch = scratchPerThread.get();
            int dy = rng.nextInt(2 * pad + 1) - pad, dx = rng.nextInt(2 * pad + 1) - pad;
            if (dy == 0 && dx == 0) return;
            System.arraycopy(in, off, scratch, 0, scratch.length);
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = x + dx;
                        in[off + (ch * h + y) * w + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0f : scratch[(ch * h + sy) * w + sx];
                    }
                }
            }
        };
    }
}

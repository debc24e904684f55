package dev.nabla.samples.bench;

/**
 * The work of each GPU benchmark row, full or {@code --quick}. ci/bench/reference_gpu.py holds the same two
 * sets; the row keys carry the sizes, so a mismatch shows as a missing value rather than a wrong ratio.
 *
 * @param warmup      untimed runs before timing (at least; see {@code warmupSeconds})
 * @param warmupSeconds untimed warm-up lasts at least this long, so the JIT has compiled the host code
 * @param repeats     timed runs; the row reports their median
 */
record GpuSizes(int[] gemm, int attnBatch, int attnHeads, int attnCtx, int attnHeadDim, int cnnBatch,
                GptModel.Config gpt, int warmup, double warmupSeconds, int repeats) {
    static final GpuSizes FULL = new GpuSizes(new int[]{1024, 2048, 4096, 8192}, 8, 12, 1024, 64, 128,
            new GptModel.Config(65, 256, 384, 6, 6, 4 * 384, 64), 5, 1.0, 10);
    static final GpuSizes QUICK = new GpuSizes(new int[]{256, 512}, 2, 4, 128, 64, 32,
            new GptModel.Config(65, 64, 64, 2, 2, 4 * 64, 4), 1, 0.1, 3);

    GpuSizes withRepeats(int warmup, int repeats) {
        return new GpuSizes(gemm, attnBatch, attnHeads, attnCtx, attnHeadDim, cnnBatch, gpt, warmup, warmupSeconds, repeats);
    }
}

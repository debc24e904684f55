package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Conv2dSpec;

/**
 * The float32 conv2d passes of {@link CpuConv} (which describes the scheme). {@link CpuConvD} is the same
 * code on double[]; keep the two in step.
 */
final class CpuConvF {
    /** Per-thread scratch: [0] a column matrix, [1] a gathered output-gradient or output block. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][]);

    private CpuConvF() {}

    private static float[] scratch(int slot, int size) {
        float[][] s = SCRATCH.get();
        if (s[slot] == null || s[slot].length < size) s[slot] = new float[size];
        return s[slot];
    }

    /** Fills col [K, nb * P] with the columns of images b0.. of group g. */
    private static void im2col(float[] x, int b0, int nb, int g, float[] col, Conv2dSpec s, CpuConv.Plan d) {
        int xOff = d.xOff(b0, g), stride = d.cIn() * d.hw();
        CpuThreads.parallelFor(d.k(), CpuConv.grain(nb * d.p()), (rf, rt) -> CpuIm2col.im2col(x, xOff, stride, nb, col, s, rf, rt));
    }

    static void forward(float[] x, float[] w, float[] bias, float[] y, Conv2dSpec s, CpuConv.Plan d) {
        d.forTasks((task, from, to) -> d.forChunks(from, to, (b0, nb) -> {
            int cols = nb * d.p();
            boolean inPlace = nb == 1 && d.direct();
            float[] col = inPlace ? null : scratch(0, d.k() * cols);
            float[] out = nb == 1 ? null : scratch(1, d.coutG() * cols);
            for (int g = 0; g < d.groups(); g++) {
                float[] src = x;
                int srcOff = d.xOff(b0, g);
                if (!inPlace) {
                    im2col(x, b0, nb, g, col, s, d);
                    src = col;
                    srcOff = 0;
                }
                if (nb == 1) {
                    int yOff = d.yOff(b0, g);
                    CpuGemm.sgemm(false, false, d.coutG(), cols, d.k(), 1f, w, d.wOff(g), d.k(),
                            src, srcOff, cols, 0f, y, yOff, cols);
                    if (bias != null) {
                        for (int co = 0; co < d.coutG(); co++) {
                            float b = bias[g * d.coutG() + co];
                            for (int i = yOff + co * cols, end = i + cols; i < end; i++) y[i] += b;
                        }
                    }
                } else {
                    CpuGemm.sgemm(false, false, d.coutG(), cols, d.k(), 1f, w, d.wOff(g), d.k(),
                            src, srcOff, cols, 0f, out, 0, cols);
                    CpuIm2col.scatter(out, nb, d.coutG(), d.p(), y, d.yOff(b0, g), d.cOut() * d.p(), bias, g * d.coutG());
                }
            }
        }));
    }

    static void backwardInput(float[] dy, float[] w, float[] dx, Conv2dSpec s, CpuConv.Plan d) {
        d.forTasks((task, from, to) -> d.forChunks(from, to, (b0, nb) -> {
            int cols = nb * d.p();
            float[] dys = nb == 1 ? null : scratch(1, d.coutG() * cols);
            float[] col = nb == 1 && d.direct() ? null : scratch(0, d.k() * cols);
            for (int g = 0; g < d.groups(); g++) {
                float[] a = dy;
                int aOff = d.yOff(b0, g);
                if (nb > 1) {
                    CpuIm2col.gather(dy, aOff, d.cOut() * d.p(), nb, d.coutG(), d.p(), dys);
                    a = dys;
                    aOff = 0;
                }
                if (col == null) {
                    CpuGemm.sgemm(true, false, d.k(), cols, d.coutG(), 1f, w, d.wOff(g), d.k(),
                            a, aOff, cols, 0f, dx, d.xOff(b0, g), cols);
                    continue;
                }
                CpuGemm.sgemm(true, false, d.k(), cols, d.coutG(), 1f, w, d.wOff(g), d.k(),
                        a, aOff, cols, 0f, col, 0, cols);
                int dxOff = d.xOff(b0, g), stride = d.cIn() * d.hw();
                CpuThreads.parallelFor(nb * d.cinG(), CpuConv.grain(s.kh() * s.kw() * d.p()),
                        (pf, pt) -> CpuIm2col.col2im(col, dx, dxOff, stride, nb, s, pf, pt));
            }
        }));
    }

    static void backwardWeight(float[] x, float[] dy, float[] dw, Conv2dSpec s, CpuConv.Plan d) {
        // With K < coutG the GEMM computes dW_g^T [K, coutG], so its columns are the wider side.
        boolean transposed = d.k() < d.coutG();
        int wSize = d.cOut() * d.k();
        float[][] parts = new float[d.tasks()][];
        d.forTasks((task, from, to) -> {
            float[] part = task == 0 && !transposed ? dw : new float[wSize];
            d.forChunks(from, to, (b0, nb) -> {
                int cols = nb * d.p();
                boolean inPlace = nb == 1 && d.direct();
                float[] col = inPlace ? null : scratch(0, d.k() * cols);
                float[] dys = nb == 1 ? null : scratch(1, d.coutG() * cols);
                for (int g = 0; g < d.groups(); g++) {
                    float[] src = x, a = dy;
                    int srcOff = d.xOff(b0, g), aOff = d.yOff(b0, g);
                    if (!inPlace) {
                        im2col(x, b0, nb, g, col, s, d);
                        src = col;
                        srcOff = 0;
                    }
                    if (nb > 1) {
                        CpuIm2col.gather(dy, aOff, d.cOut() * d.p(), nb, d.coutG(), d.p(), dys);
                        a = dys;
                        aOff = 0;
                    }
                    if (transposed) {
                        CpuGemm.sgemm(false, true, d.k(), d.coutG(), cols, 1f, src, srcOff, cols,
                                a, aOff, cols, 1f, part, d.wOff(g), d.coutG());
                    } else {
                        CpuGemm.sgemm(false, true, d.coutG(), d.k(), cols, 1f, a, aOff, cols,
                                src, srcOff, cols, 1f, part, d.wOff(g), d.k());
                    }
                }
            });
            parts[task] = part;
        });
        int k = d.k(), coutG = d.coutG();
        CpuThreads.parallelFor(wSize, 4096, (from, to) -> {
            for (int i = from; i < to; i++) {
                // Element i of dW is (g, co, kk); in a transposed part it sits at (g, kk, co).
                int src = i;
                if (transposed) {
                    int gBase = i / (coutG * k) * (coutG * k), r = i - gBase;
                    src = gBase + (r % k) * coutG + r / k;
                }
                float sum = transposed ? 0f : dw[i];
                for (int t = transposed ? 0 : 1; t < parts.length; t++) sum += parts[t][src];
                dw[i] = sum;
            }
        });
    }
}

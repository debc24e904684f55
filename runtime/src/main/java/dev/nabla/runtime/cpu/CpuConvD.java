package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Conv2dSpec;

/**
 * The float64 conv2d passes of {@link CpuConv} (which describes the scheme): {@link CpuConvF} on double[];
 * keep the two in step.
 */
final class CpuConvD {
    /** Per-thread scratch: [0] a column matrix, [1] a gathered output-gradient or output block. */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[2][]);

    private CpuConvD() {}

    private static double[] scratch(int slot, int size) {
        double[][] s = SCRATCH.get();
        if (s[slot] == null || s[slot].length < size) s[slot] = new double[size];
        return s[slot];
    }

    /** Fills col [K, nb * P] with the columns of images b0.. of group g. */
    private static void im2col(double[] x, int b0, int nb, int g, double[] col, Conv2dSpec s, CpuConv.Plan d) {
        int xOff = d.xOff(b0, g), stride = d.cIn() * d.hw();
        CpuThreads.parallelFor(d.k(), CpuConv.grain(nb * d.p()), (rf, rt) -> CpuIm2col.im2col(x, xOff, stride, nb, col, s, rf, rt));
    }

    static void forward(double[] x, double[] w, double[] bias, double[] y, Conv2dSpec s, CpuConv.Plan d) {
        d.forTasks((task, from, to) -> d.forChunks(from, to, (b0, nb) -> {
            int cols = nb * d.p();
            boolean inPlace = nb == 1 && d.direct();
            double[] col = inPlace ? null : scratch(0, d.k() * cols);
            double[] out = nb == 1 ? null : scratch(1, d.coutG() * cols);
            for (int g = 0; g < d.groups(); g++) {
                double[] src = x;
                int srcOff = d.xOff(b0, g);
                if (!inPlace) {
                    im2col(x, b0, nb, g, col, s, d);
                    src = col;
                    srcOff = 0;
                }
                if (nb == 1) {
                    int yOff = d.yOff(b0, g);
                    CpuGemm.dgemm(false, false, d.coutG(), cols, d.k(), 1.0, w, d.wOff(g), d.k(),
                            src, srcOff, cols, 0.0, y, yOff, cols);
                    if (bias != null) {
                        for (int co = 0; co < d.coutG(); co++) {
                            double b = bias[g * d.coutG() + co];
                            for (int i = yOff + co * cols, end = i + cols; i < end; i++) y[i] += b;
                        }
                    }
                } else {
                    CpuGemm.dgemm(false, false, d.coutG(), cols, d.k(), 1.0, w, d.wOff(g), d.k(),
                            src, srcOff, cols, 0.0, out, 0, cols);
                    CpuIm2col.scatter(out, nb, d.coutG(), d.p(), y, d.yOff(b0, g), d.cOut() * d.p(), bias, g * d.coutG());
                }
            }
        }));
    }

    static void backwardInput(double[] dy, double[] w, double[] dx, Conv2dSpec s, CpuConv.Plan d) {
        d.forTasks((task, from, to) -> d.forChunks(from, to, (b0, nb) -> {
            int cols = nb * d.p();
            double[] dys = nb == 1 ? null : scratch(1, d.coutG() * cols);
            double[] col = nb == 1 && d.direct() ? null : scratch(0, d.k() * cols);
            for (int g = 0; g < d.groups(); g++) {
                double[] a = dy;
                int aOff = d.yOff(b0, g);
                if (nb > 1) {
                    CpuIm2col.gather(dy, aOff, d.cOut() * d.p(), nb, d.coutG(), d.p(), dys);
                    a = dys;
                    aOff = 0;
                }
                if (col == null) {
                    CpuGemm.dgemm(true, false, d.k(), cols, d.coutG(), 1.0, w, d.wOff(g), d.k(),
                            a, aOff, cols, 0.0, dx, d.xOff(b0, g), cols);
                    continue;
                }
                CpuGemm.dgemm(true, false, d.k(), cols, d.coutG(), 1.0, w, d.wOff(g), d.k(),
                        a, aOff, cols, 0.0, col, 0, cols);
                int dxOff = d.xOff(b0, g), stride = d.cIn() * d.hw();
                CpuThreads.parallelFor(nb * d.cinG(), CpuConv.grain(s.kh() * s.kw() * d.p()),
                        (pf, pt) -> CpuIm2col.col2im(col, dx, dxOff, stride, nb, s, pf, pt));
            }
        }));
    }

    static void backwardWeight(double[] x, double[] dy, double[] dw, Conv2dSpec s, CpuConv.Plan d) {
        // With K < coutG the GEMM computes dW_g^T [K, coutG], so its columns are the wider side.
        boolean transposed = d.k() < d.coutG();
        int wSize = d.cOut() * d.k();
        double[][] parts = new double[d.tasks()][];
        d.forTasks((task, from, to) -> {
            double[] part = task == 0 && !transposed ? dw : new double[wSize];
            d.forChunks(from, to, (b0, nb) -> {
                int cols = nb * d.p();
                boolean inPlace = nb == 1 && d.direct();
                double[] col = inPlace ? null : scratch(0, d.k() * cols);
                double[] dys = nb == 1 ? null : scratch(1, d.coutG() * cols);
                for (int g = 0; g < d.groups(); g++) {
                    double[] src = x, a = dy;
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
                        CpuGemm.dgemm(false, true, d.k(), d.coutG(), cols, 1.0, src, srcOff, cols,
                                a, aOff, cols, 1.0, part, d.wOff(g), d.coutG());
                    } else {
                        CpuGemm.dgemm(false, true, d.coutG(), d.k(), cols, 1.0, a, aOff, cols,
                                src, srcOff, cols, 1.0, part, d.wOff(g), d.k());
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
                double sum = transposed ? 0.0 : dw[i];
                for (int t = transposed ? 0 : 1; t < parts.length; t++) sum += parts[t][src];
                dw[i] = sum;
            }
        });
    }
}

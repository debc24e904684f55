package dev.nabla.runtime.cpu;

/**
 * Layer norm over float32 rows. The statistics are two-pass in double as in {@link CpuNorm}'s general path
 * (so a large mean keeps its variance), read straight from the float arrays and summed with four independent
 * accumulators so that a row is not one long chain of dependent double adds. The elementwise passes
 * (normalise and scale; the input gradient) run in float, as PyTorch's CPU kernel does, which lets C2
 * vectorise them. The per-column weight and bias gradients walk the rows in order for a block of columns:
 * each column keeps its summation order (rows ascending, in double) and rows are read contiguously.
 *
 * <p>With the Vector API in use ({@link CpuGemm#VECTOR}) rows of at least one vector go to
 * {@link CpuLayerNormVector}, which reads each row once; these plain loops are its twin.
 */
final class CpuLayerNormF {
    private CpuLayerNormF() {}

    /** Columns per task of the weight/bias-gradient pass: one cache line of every row it walks. */
    private static final int COL_BLOCK = 16;

    static void forward(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd,
                        int rows, int cols, double eps, int grain) {
        if (CpuGemm.VECTOR && CpuLayerNormVector.handles(cols)) {
            CpuLayerNormVector.forward(x, w, b, out, mean, rstd, rows, cols, eps, grain);
        } else {
            forwardScalar(x, w, b, out, mean, rstd, rows, cols, eps, grain);
        }
    }

    /** The plain-loop forward: the twin of {@link CpuLayerNormVector#forward}, and the path for narrow rows. */
    static void forwardScalar(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd,
                              int rows, int cols, double eps, int grain) {
        CpuThreads.parallelFor(rows, grain, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * cols;
                double mu = sum(x, off, cols) / cols;
                double var = centredSquares(x, off, cols, mu) / cols;
                double rs = 1.0 / Math.sqrt(var + eps);
                mean[r] = (float) mu;
                rstd[r] = (float) rs;
                // The elementwise pass in float (as PyTorch's CPU kernel does), so that C2 vectorises it. The
                // mean is subtracted as a float pair hi + lo: x - hi is exact when x is near the mean, so a
                // large mean does not cost the centred values their low bits.
                float hi = (float) mu, lo = (float) (mu - hi), rf = (float) rs;
                if (w != null && b != null) {
                    for (int k = 0; k < cols; k++) out[off + k] = ((x[off + k] - hi) - lo) * rf * w[k] + b[k];
                } else if (w != null) {
                    for (int k = 0; k < cols; k++) out[off + k] = ((x[off + k] - hi) - lo) * rf * w[k];
                } else if (b != null) {
                    for (int k = 0; k < cols; k++) out[off + k] = ((x[off + k] - hi) - lo) * rf + b[k];
                } else {
                    for (int k = 0; k < cols; k++) out[off + k] = ((x[off + k] - hi) - lo) * rf;
                }
            }
        });
    }

    /** dx per row; dw (if non-null) and db (if non-null) per column. */
    static void backward(float[] g, float[] x, float[] mean, float[] rstd, float[] w, float[] dx, float[] dw, float[] db,
                         int rows, int cols, int grain) {
        if (CpuGemm.VECTOR && CpuLayerNormVector.handles(cols)) {
            CpuLayerNormVector.backward(g, x, mean, rstd, w, dx, dw, db, rows, cols, grain);
        } else {
            backwardScalar(g, x, mean, rstd, w, dx, dw, db, rows, cols, grain);
        }
    }

    /** The plain-loop backward: the twin of {@link CpuLayerNormVector#backward}, and the path for narrow rows. */
    static void backwardScalar(float[] g, float[] x, float[] mean, float[] rstd, float[] w, float[] dx, float[] dw,
                               float[] db, int rows, int cols, int grain) {
        CpuThreads.parallelFor(rows, grain, (from, to) -> {
            double[] gw = w == null ? null : new double[cols];
            for (int r = from; r < to; r++) {
                int off = r * cols;
                double m = mean[r], s = rstd[r];
                double g0 = 0, g1 = 0, g2 = 0, g3 = 0, x0 = 0, x1 = 0, x2 = 0, x3 = 0;
                int k = 0;
                if (w == null) {
                    for (; k + 3 < cols; k += 4) {
                        double a0 = g[off + k], a1 = g[off + k + 1], a2 = g[off + k + 2], a3 = g[off + k + 3];
                        g0 += a0; g1 += a1; g2 += a2; g3 += a3;
                        x0 += a0 * ((x[off + k] - m) * s);
                        x1 += a1 * ((x[off + k + 1] - m) * s);
                        x2 += a2 * ((x[off + k + 2] - m) * s);
                        x3 += a3 * ((x[off + k + 3] - m) * s);
                    }
                    for (; k < cols; k++) {
                        double a = g[off + k];
                        g0 += a;
                        x0 += a * ((x[off + k] - m) * s);
                    }
                } else {
                    for (int j = 0; j < cols; j++) gw[j] = (double) g[off + j] * w[j];
                    for (; k + 3 < cols; k += 4) {
                        double a0 = gw[k], a1 = gw[k + 1], a2 = gw[k + 2], a3 = gw[k + 3];
                        g0 += a0; g1 += a1; g2 += a2; g3 += a3;
                        x0 += a0 * ((x[off + k] - m) * s);
                        x1 += a1 * ((x[off + k + 1] - m) * s);
                        x2 += a2 * ((x[off + k + 2] - m) * s);
                        x3 += a3 * ((x[off + k + 3] - m) * s);
                    }
                    for (; k < cols; k++) {
                        double a = gw[k];
                        g0 += a;
                        x0 += a * ((x[off + k] - m) * s);
                    }
                }
                double meanG = ((g0 + g1) + (g2 + g3)) / cols, meanGX = ((x0 + x1) + (x2 + x3)) / cols;
                float mf = (float) m, sf = (float) s, mg = (float) meanG, mgx = (float) meanGX;
                if (w == null) {
                    for (int j = 0; j < cols; j++) dx[off + j] = sf * (g[off + j] - mg - (x[off + j] - mf) * sf * mgx);
                } else {
                    for (int j = 0; j < cols; j++) dx[off + j] = sf * (g[off + j] * w[j] - mg - (x[off + j] - mf) * sf * mgx);
                }
            }
        });
        if (dw == null && db == null) return;
        int blocks = (cols + COL_BLOCK - 1) / COL_BLOCK;
        CpuThreads.parallelFor(blocks, Math.max(1, 4096 / Math.max(1, rows)), (from, to) -> {
            double[] sw = new double[COL_BLOCK], sb = new double[COL_BLOCK];
            for (int blk = from; blk < to; blk++) {
                int c0 = blk * COL_BLOCK, len = Math.min(COL_BLOCK, cols - c0);
                java.util.Arrays.fill(sw, 0.0);
                java.util.Arrays.fill(sb, 0.0);
                for (int r = 0; r < rows; r++) {
                    int off = r * cols + c0;
                    double m = mean[r], s = rstd[r];
                    for (int j = 0; j < len; j++) {
                        double gv = g[off + j];
                        sb[j] += gv;
                        sw[j] += gv * ((x[off + j] - m) * s);
                    }
                }
                for (int j = 0; j < len; j++) {
                    if (dw != null) dw[c0 + j] = (float) sw[j];
                    if (db != null) db[c0 + j] = (float) sb[j];
                }
            }
        });
    }

    private static double sum(float[] x, int off, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            s0 += x[off + k];
            s1 += x[off + k + 1];
            s2 += x[off + k + 2];
            s3 += x[off + k + 3];
        }
        for (; k < n; k++) s0 += x[off + k];
        return (s0 + s1) + (s2 + s3);
    }

    private static double centredSquares(float[] x, int off, int n, double mu) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < n; k += 4) {
            double c0 = x[off + k] - mu, c1 = x[off + k + 1] - mu, c2 = x[off + k + 2] - mu, c3 = x[off + k + 3] - mu;
            s0 += c0 * c0;
            s1 += c1 * c1;
            s2 += c2 * c2;
            s3 += c3 * c3;
        }
        for (; k < n; k++) {
            double c = x[off + k] - mu;
            s0 += c * c;
        }
        return (s0 + s1) + (s2 + s3);
    }
}

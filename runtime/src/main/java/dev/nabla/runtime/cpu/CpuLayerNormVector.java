package dev.nabla.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 layer norm over rows on the {@code jdk.incubator.vector} API (the same contracts as
 * {@link CpuLayerNormF}, whose plain loops are the twin); like {@link CpuGemmVectorF}, only loaded when
 * {@link CpuGemm#VECTOR} is set. Rows narrower than a vector go to the twin; the columns past the last full
 * vector of a row run as scalar code within each pass.
 *
 * <p>A row is read from memory once and stays in L1 for the passes over it. Forward: a first mean from the sum
 * of x - x[0] (the shift keeps a large mean from costing the float sum its low bits; the mean itself is
 * x[0] + sum / n in double); then the centred values c = (x - hi) - lo (the mean as a float pair hi + lo, as in
 * the twin), whose mean, small, corrects the first one to near double accuracy, and whose squares give the
 * variance (the corrected two-pass formula); all summed in float lanes; then the output. Backward: the row's two sums and,
 * in the same pass, the weight and bias gradients' per-column sums; then dx. The per-column sums run in float
 * over blocks of {@link #BLOCK} rows and are added up in double across blocks, in block order, so that they
 * do not depend on how the rows are split among threads.
 */
final class CpuLayerNormVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows whose weight/bias-gradient sums are kept in float before being added to the double totals. */
    static final int BLOCK = 32;

    private CpuLayerNormVector() {}

    /** Whether rows of {@code cols} columns take this path (at least one full vector). */
    static boolean handles(int cols) {
        return cols >= L;
    }

    static void forward(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd,
                        int rows, int cols, double eps, int grain) {
        CpuThreads.parallelFor(rows, grain, (from, to) -> {
            for (int r = from; r < to; r++) forwardRow(x, w, b, out, mean, rstd, r, cols, eps);
        });
    }

    private static void forwardRow(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd,
                                   int r, int cols, double eps) {
        int off = r * cols, vc = cols - cols % L;
        float x0 = x[off];
        FloatVector p0 = FloatVector.broadcast(S, x0);
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int k = 0;
        for (; k + 2 * L <= vc; k += 2 * L) {
            s0 = s0.add(FloatVector.fromArray(S, x, off + k).sub(p0));
            s1 = s1.add(FloatVector.fromArray(S, x, off + k + L).sub(p0));
        }
        if (k < vc) s0 = s0.add(FloatVector.fromArray(S, x, off + k).sub(p0));
        float tail = 0f;
        for (k = vc; k < cols; k++) tail += x[off + k] - x0;
        double mu = x0 + ((double) s0.add(s1).reduceLanes(VectorOperators.ADD) + tail) / cols;
        float hi = (float) mu, lo = (float) (mu - hi);
        FloatVector vh = FloatVector.broadcast(S, hi), vl = FloatVector.broadcast(S, lo);
        // the centred values c and their squares; sum(c) / n, small, corrects the mean (and the variance)
        s0 = FloatVector.zero(S);
        s1 = FloatVector.zero(S);
        FloatVector q0 = FloatVector.zero(S), q1 = FloatVector.zero(S);
        for (k = 0; k + 2 * L <= vc; k += 2 * L) {
            FloatVector c0 = FloatVector.fromArray(S, x, off + k).sub(vh).sub(vl);
            FloatVector c1 = FloatVector.fromArray(S, x, off + k + L).sub(vh).sub(vl);
            s0 = s0.add(c0);
            s1 = s1.add(c1);
            q0 = c0.fma(c0, q0);
            q1 = c1.fma(c1, q1);
        }
        if (k < vc) {
            FloatVector c0 = FloatVector.fromArray(S, x, off + k).sub(vh).sub(vl);
            s0 = s0.add(c0);
            q0 = c0.fma(c0, q0);
        }
        tail = 0f;
        float tq = 0f;
        for (k = vc; k < cols; k++) {
            float c = (x[off + k] - hi) - lo;
            tail += c;
            tq += c * c;
        }
        double dm = ((double) s0.add(s1).reduceLanes(VectorOperators.ADD) + tail) / cols;
        double var = Math.max(0.0, ((double) q0.add(q1).reduceLanes(VectorOperators.ADD) + tq) / cols - dm * dm);
        mu += dm;
        hi = (float) mu;
        lo = (float) (mu - hi);
        vh = FloatVector.broadcast(S, hi);
        vl = FloatVector.broadcast(S, lo);
        float rf = (float) (1.0 / Math.sqrt(var + eps));
        mean[r] = hi;
        rstd[r] = rf;
        FloatVector vr = FloatVector.broadcast(S, rf);
        if (w != null && b != null) {
            for (k = 0; k < vc; k += L) {
                FloatVector c = FloatVector.fromArray(S, x, off + k).sub(vh).sub(vl).mul(vr);
                c.fma(FloatVector.fromArray(S, w, k), FloatVector.fromArray(S, b, k)).intoArray(out, off + k);
            }
            for (; k < cols; k++) out[off + k] = ((x[off + k] - hi) - lo) * rf * w[k] + b[k];
        } else if (w != null) {
            for (k = 0; k < vc; k += L) {
                FloatVector.fromArray(S, x, off + k).sub(vh).sub(vl).mul(vr).mul(FloatVector.fromArray(S, w, k)).intoArray(out, off + k);
            }
            for (; k < cols; k++) out[off + k] = ((x[off + k] - hi) - lo) * rf * w[k];
        } else if (b != null) {
            for (k = 0; k < vc; k += L) {
                FloatVector.fromArray(S, x, off + k).sub(vh).sub(vl).mul(vr).add(FloatVector.fromArray(S, b, k)).intoArray(out, off + k);
            }
            for (; k < cols; k++) out[off + k] = ((x[off + k] - hi) - lo) * rf + b[k];
        } else {
            for (k = 0; k < vc; k += L) FloatVector.fromArray(S, x, off + k).sub(vh).sub(vl).mul(vr).intoArray(out, off + k);
            for (; k < cols; k++) out[off + k] = ((x[off + k] - hi) - lo) * rf;
        }
    }

    /** dx per row; dw (if non-null) and db (if non-null) per column. */
    static void backward(float[] g, float[] x, float[] mean, float[] rstd, float[] w, float[] dx, float[] dw, float[] db,
                         int rows, int cols, int grain) {
        boolean sums = dw != null || db != null;
        float[] wv = w != null ? w : ones(cols); // times 1 is exact: the same dx as without a weight
        int blocks = (rows + BLOCK - 1) / BLOCK;
        // per block: the sums of g xhat (for dw) then of g (for db), cols each
        double[] part = sums ? new double[blocks * 2 * cols] : null;
        CpuThreads.parallelFor(blocks, Math.max(1, grain / BLOCK), (from, to) -> {
            float[] sw = sums ? new float[cols] : null, sb = sums ? new float[cols] : null;
            for (int blk = from; blk < to; blk++) {
                if (sums) {
                    java.util.Arrays.fill(sw, 0f);
                    java.util.Arrays.fill(sb, 0f);
                }
                int r1 = Math.min(rows, (blk + 1) * BLOCK);
                for (int r = blk * BLOCK; r < r1; r++) {
                    if (sums) backwardRow(g, x, mean[r], rstd[r], wv, dx, sw, sb, r, cols);
                    else backwardRow(g, x, mean[r], rstd[r], wv, dx, r, cols);
                }
                if (sums) {
                    int p = blk * 2 * cols;
                    for (int j = 0; j < cols; j++) {
                        part[p + j] = sw[j];
                        part[p + cols + j] = sb[j];
                    }
                }
            }
        });
        if (!sums) return;
        CpuThreads.parallelFor(cols, Math.max(1, 4096 / Math.max(1, blocks)), (from, to) -> {
            for (int j = from; j < to; j++) {
                double tw = 0, tb = 0;
                for (int blk = 0; blk < blocks; blk++) {
                    tw += part[blk * 2 * cols + j];
                    tb += part[blk * 2 * cols + cols + j];
                }
                if (dw != null) dw[j] = (float) tw;
                if (db != null) db[j] = (float) tb;
            }
        });
    }

    /**
     * With xhat = (x - m) s and gw = g w: dx = s (gw - mean(gw) - xhat mean(gw xhat)); sw += g xhat and sb += g
     * per column.
     */
    private static void backwardRow(float[] g, float[] x, float m, float s, float[] w, float[] dx, float[] sw, float[] sb,
                                    int r, int cols) {
        int off = r * cols, vc = cols - cols % L;
        FloatVector vm = FloatVector.broadcast(S, m), vs = FloatVector.broadcast(S, s);
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        int k;
        for (k = 0; k < vc; k += L) {
            FloatVector gv = FloatVector.fromArray(S, g, off + k);
            FloatVector xh = FloatVector.fromArray(S, x, off + k).sub(vm).mul(vs);
            FloatVector gw = gv.mul(FloatVector.fromArray(S, w, k));
            a0 = a0.add(gw);
            a1 = gw.fma(xh, a1);
            gv.fma(xh, FloatVector.fromArray(S, sw, k)).intoArray(sw, k);
            gv.add(FloatVector.fromArray(S, sb, k)).intoArray(sb, k);
        }
        float t0 = 0f, t1 = 0f;
        for (; k < cols; k++) {
            float gv = g[off + k], xh = (x[off + k] - m) * s, gw = gv * w[k];
            t0 += gw;
            t1 += gw * xh;
            sw[k] += gv * xh;
            sb[k] += gv;
        }
        dx(g, x, m, s, w, dx, off, cols, a0.reduceLanes(VectorOperators.ADD) + (double) t0,
                a1.reduceLanes(VectorOperators.ADD) + (double) t1);
    }

    /** {@link #backwardRow} without the per-column sums. */
    private static void backwardRow(float[] g, float[] x, float m, float s, float[] w, float[] dx, int r, int cols) {
        int off = r * cols, vc = cols - cols % L;
        FloatVector vm = FloatVector.broadcast(S, m), vs = FloatVector.broadcast(S, s);
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        int k;
        for (k = 0; k < vc; k += L) {
            FloatVector xh = FloatVector.fromArray(S, x, off + k).sub(vm).mul(vs);
            FloatVector gw = FloatVector.fromArray(S, g, off + k).mul(FloatVector.fromArray(S, w, k));
            a0 = a0.add(gw);
            a1 = gw.fma(xh, a1);
        }
        float t0 = 0f, t1 = 0f;
        for (; k < cols; k++) {
            float gw = g[off + k] * w[k];
            t0 += gw;
            t1 += gw * ((x[off + k] - m) * s);
        }
        dx(g, x, m, s, w, dx, off, cols, a0.reduceLanes(VectorOperators.ADD) + (double) t0,
                a1.reduceLanes(VectorOperators.ADD) + (double) t1);
    }

    /** dx = s (gw - sumG / n - xhat sumGX / n) over one row (still in L1). */
    private static void dx(float[] g, float[] x, float m, float s, float[] w, float[] dx, int off, int cols,
                           double sumG, double sumGX) {
        int vc = cols - cols % L, k;
        float mg = (float) (sumG / cols), mgx = (float) (sumGX / cols);
        FloatVector vm = FloatVector.broadcast(S, m), vs = FloatVector.broadcast(S, s);
        FloatVector vg = FloatVector.broadcast(S, mg), vgx = FloatVector.broadcast(S, -mgx);
        for (k = 0; k < vc; k += L) {
            FloatVector gw = FloatVector.fromArray(S, g, off + k).mul(FloatVector.fromArray(S, w, k));
            FloatVector xh = FloatVector.fromArray(S, x, off + k).sub(vm).mul(vs);
            xh.fma(vgx, gw.sub(vg)).mul(vs).intoArray(dx, off + k);
        }
        for (; k < cols; k++) dx[off + k] = s * (g[off + k] * w[k] - mg - (x[off + k] - m) * s * mgx);
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}

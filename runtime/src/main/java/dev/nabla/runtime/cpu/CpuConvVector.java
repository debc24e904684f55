package dev.nabla.runtime.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The streaming loops of conv2d's col2im and output scatter, and the tap loops of the small-K direct conv
 * ({@link CpuConvDirect}), on the {@code jdk.incubator.vector} API: C2 does not vectorise them on its own (source
 * and destination are arrays of the same type, which might alias; the tap loops reduce across taps).
 * Like {@link CpuGemmVectorF}, only loaded when {@link CpuGemm#VECTOR} is set, so only when the module is present.
 * In col2im and scatter each lane does the same single addition as the scalar loop, so results are
 * bit-identical to it; the direct conv's loops use fused multiply-adds and lane-wise partial sums instead.
 */
final class CpuConvVector {
    private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    /** Output channels that {@link #tapRowsBlock} computes together. */
    static final int BLOCK = 8;

    private CpuConvVector() {}

    /** {@code dst[d + i] += src[s + i]} for i in [0, n). */
    static void add(float[] dst, int d, float[] src, int s, int n) {
        int i = 0;
        for (int end = SF.loopBound(n); i < end; i += SF.length()) {
            FloatVector.fromArray(SF, dst, d + i).add(FloatVector.fromArray(SF, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] += src[s + i];
    }

    static void add(double[] dst, int d, double[] src, int s, int n) {
        int i = 0;
        for (int end = SD.loopBound(n); i < end; i += SD.length()) {
            DoubleVector.fromArray(SD, dst, d + i).add(DoubleVector.fromArray(SD, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] += src[s + i];
    }

    /** {@code dst[d + i] = src[s + i] + b} for i in [0, n). */
    static void addScalar(float[] dst, int d, float[] src, int s, int n, float b) {
        int i = 0;
        for (int end = SF.loopBound(n); i < end; i += SF.length()) {
            FloatVector.fromArray(SF, src, s + i).add(b).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] = src[s + i] + b;
    }

    static void addScalar(double[] dst, int d, double[] src, int s, int n, double b) {
        int i = 0;
        for (int end = SD.loopBound(n); i < end; i += SD.length()) {
            DoubleVector.fromArray(SD, src, s + i).add(b).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] = src[s + i] + b;
    }

    /**
     * {@link #tapRows} for the {@link #BLOCK} output channels co.. at once (weights at {@code co * k}, planes
     * {@code p} apart from {@code yOff}, bias 0 when null): each tap's input vector is loaded once for all of
     * them instead of once per channel, which halves the forward's time. Every output is the same chain of
     * fused multiply-adds in tap order as in {@link #tapRows}, so the results are bit-identical.
     */
    static void tapRowsBlock(float[] xp, int[] off, float[] w, int k, float[] bias, int co, float[] y, int yOff, int p,
                             int oh, int ow, int wp) {
        int l = SF.length();
        if (ow < l) {
            for (int j = 0; j < BLOCK; j++) {
                tapRows(xp, off, w, (co + j) * k, k, bias == null ? 0f : bias[co + j], y, yOff + j * p, oh, ow, wp);
            }
            return;
        }
        float b0 = 0f, b1 = 0f, b2 = 0f, b3 = 0f, b4 = 0f, b5 = 0f, b6 = 0f, b7 = 0f;
        if (bias != null) {
            b0 = bias[co]; b1 = bias[co + 1]; b2 = bias[co + 2]; b3 = bias[co + 3];
            b4 = bias[co + 4]; b5 = bias[co + 5]; b6 = bias[co + 6]; b7 = bias[co + 7];
        }
        int w0 = co * k;
        for (int oy = 0; oy < oh; oy++) {
            int src = oy * wp, o = yOff + oy * ow;
            for (int ox = 0; ; ox += l) {
                int c = Math.min(ox, ow - l);
                FloatVector a0 = FloatVector.broadcast(SF, b0), a1 = FloatVector.broadcast(SF, b1);
                FloatVector a2 = FloatVector.broadcast(SF, b2), a3 = FloatVector.broadcast(SF, b3);
                FloatVector a4 = FloatVector.broadcast(SF, b4), a5 = FloatVector.broadcast(SF, b5);
                FloatVector a6 = FloatVector.broadcast(SF, b6), a7 = FloatVector.broadcast(SF, b7);
                for (int t = 0; t < k; t++) {
                    FloatVector xv = FloatVector.fromArray(SF, xp, src + off[t] + c);
                    int wt = w0 + t;
                    a0 = xv.fma(FloatVector.broadcast(SF, w[wt]), a0);
                    a1 = xv.fma(FloatVector.broadcast(SF, w[wt + k]), a1);
                    a2 = xv.fma(FloatVector.broadcast(SF, w[wt + 2 * k]), a2);
                    a3 = xv.fma(FloatVector.broadcast(SF, w[wt + 3 * k]), a3);
                    a4 = xv.fma(FloatVector.broadcast(SF, w[wt + 4 * k]), a4);
                    a5 = xv.fma(FloatVector.broadcast(SF, w[wt + 5 * k]), a5);
                    a6 = xv.fma(FloatVector.broadcast(SF, w[wt + 6 * k]), a6);
                    a7 = xv.fma(FloatVector.broadcast(SF, w[wt + 7 * k]), a7);
                }
                a0.intoArray(y, o + c);
                a1.intoArray(y, o + p + c);
                a2.intoArray(y, o + 2 * p + c);
                a3.intoArray(y, o + 3 * p + c);
                a4.intoArray(y, o + 4 * p + c);
                a5.intoArray(y, o + 5 * p + c);
                a6.intoArray(y, o + 6 * p + c);
                a7.intoArray(y, o + 7 * p + c);
                if (c == ow - l) break;
            }
        }
    }

    static int floatLanes() { return SF.length(); }

    /**
     * One output plane of the direct conv at both strides 1: {@code y[yOff + oy * ow + ox] = b + sum_t w[wOff + t] *
     * xp[oy * wp + off[t] + ox]} (fused multiply-adds in tap order), straight into the output's rows. A row is
     * covered by whole vectors, the last one shifted back to end at the row's end (it recomputes a few outputs,
     * to the same values); rows narrower than a vector run scalar.
     */
    static void tapRows(float[] xp, int[] off, float[] w, int wOff, int k, float b, float[] y, int yOff, int oh, int ow, int wp) {
        int l = SF.length();
        for (int oy = 0; oy < oh; oy++) {
            int src = oy * wp, o = yOff + oy * ow;
            if (ow < l) {
                for (int ox = 0; ox < ow; ox++) {
                    float a = b;
                    for (int t = 0; t < k; t++) a = Math.fma(xp[src + off[t] + ox], w[wOff + t], a);
                    y[o + ox] = a;
                }
                continue;
            }
            for (int ox = 0; ; ox += l) {
                int c = Math.min(ox, ow - l);
                FloatVector a = FloatVector.broadcast(SF, b);
                for (int t = 0; t < k; t++) a = FloatVector.fromArray(SF, xp, src + off[t] + c).fma(FloatVector.broadcast(SF, w[wOff + t]), a);
                a.intoArray(y, o + c);
                if (c == ow - l) break;
            }
        }
    }

    /**
     * For each tap t: adds {@code d[dOff + i] * xp[base + off[t] + i]} over i in [0, len) into acc: lane by lane
     * into the tap's {@code floatLanes()} vector lanes at {@code aOff + t * slot}, the scalar tail into the
     * slot's last element. Four taps at a time share the loads of d.
     */
    static void dots(float[] d, int dOff, float[] xp, int base, int[] off, int k, float[] acc, int aOff, int slot, int len) {
        int l = SF.length(), vend = SF.loopBound(len), t = 0;
        for (; t + 3 < k; t += 4) {
            int a = aOff + t * slot, s0 = base + off[t], s1 = base + off[t + 1], s2 = base + off[t + 2], s3 = base + off[t + 3];
            FloatVector a0 = FloatVector.fromArray(SF, acc, a), a1 = FloatVector.fromArray(SF, acc, a + slot);
            FloatVector a2 = FloatVector.fromArray(SF, acc, a + 2 * slot), a3 = FloatVector.fromArray(SF, acc, a + 3 * slot);
            for (int i = 0; i < vend; i += l) {
                FloatVector dv = FloatVector.fromArray(SF, d, dOff + i);
                a0 = FloatVector.fromArray(SF, xp, s0 + i).fma(dv, a0);
                a1 = FloatVector.fromArray(SF, xp, s1 + i).fma(dv, a1);
                a2 = FloatVector.fromArray(SF, xp, s2 + i).fma(dv, a2);
                a3 = FloatVector.fromArray(SF, xp, s3 + i).fma(dv, a3);
            }
            a0.intoArray(acc, a);
            a1.intoArray(acc, a + slot);
            a2.intoArray(acc, a + 2 * slot);
            a3.intoArray(acc, a + 3 * slot);
        }
        for (; t < k; t++) {
            int a = aOff + t * slot, src = base + off[t];
            FloatVector a0 = FloatVector.fromArray(SF, acc, a);
            for (int i = 0; i < vend; i += l) a0 = FloatVector.fromArray(SF, xp, src + i).fma(FloatVector.fromArray(SF, d, dOff + i), a0);
            a0.intoArray(acc, a);
        }
        for (t = 0; t < k; t++) {
            int src = base + off[t];
            float sum = 0f;
            for (int i = vend; i < len; i++) sum = Math.fma(d[dOff + i], xp[src + i], sum);
            acc[aOff + t * slot + slot - 1] += sum;
        }
    }

    /** {@link #tapRowsBlock} on double[]. */
    static void tapRowsBlock(double[] xp, int[] off, double[] w, int k, double[] bias, int co, double[] y, int yOff, int p,
                             int oh, int ow, int wp) {
        int l = SD.length();
        if (ow < l) {
            for (int j = 0; j < BLOCK; j++) {
                tapRows(xp, off, w, (co + j) * k, k, bias == null ? 0.0 : bias[co + j], y, yOff + j * p, oh, ow, wp);
            }
            return;
        }
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0;
        if (bias != null) {
            b0 = bias[co]; b1 = bias[co + 1]; b2 = bias[co + 2]; b3 = bias[co + 3];
            b4 = bias[co + 4]; b5 = bias[co + 5]; b6 = bias[co + 6]; b7 = bias[co + 7];
        }
        int w0 = co * k;
        for (int oy = 0; oy < oh; oy++) {
            int src = oy * wp, o = yOff + oy * ow;
            for (int ox = 0; ; ox += l) {
                int c = Math.min(ox, ow - l);
                DoubleVector a0 = DoubleVector.broadcast(SD, b0), a1 = DoubleVector.broadcast(SD, b1);
                DoubleVector a2 = DoubleVector.broadcast(SD, b2), a3 = DoubleVector.broadcast(SD, b3);
                DoubleVector a4 = DoubleVector.broadcast(SD, b4), a5 = DoubleVector.broadcast(SD, b5);
                DoubleVector a6 = DoubleVector.broadcast(SD, b6), a7 = DoubleVector.broadcast(SD, b7);
                for (int t = 0; t < k; t++) {
                    DoubleVector xv = DoubleVector.fromArray(SD, xp, src + off[t] + c);
                    int wt = w0 + t;
                    a0 = xv.fma(DoubleVector.broadcast(SD, w[wt]), a0);
                    a1 = xv.fma(DoubleVector.broadcast(SD, w[wt + k]), a1);
                    a2 = xv.fma(DoubleVector.broadcast(SD, w[wt + 2 * k]), a2);
                    a3 = xv.fma(DoubleVector.broadcast(SD, w[wt + 3 * k]), a3);
                    a4 = xv.fma(DoubleVector.broadcast(SD, w[wt + 4 * k]), a4);
                    a5 = xv.fma(DoubleVector.broadcast(SD, w[wt + 5 * k]), a5);
                    a6 = xv.fma(DoubleVector.broadcast(SD, w[wt + 6 * k]), a6);
                    a7 = xv.fma(DoubleVector.broadcast(SD, w[wt + 7 * k]), a7);
                }
                a0.intoArray(y, o + c);
                a1.intoArray(y, o + p + c);
                a2.intoArray(y, o + 2 * p + c);
                a3.intoArray(y, o + 3 * p + c);
                a4.intoArray(y, o + 4 * p + c);
                a5.intoArray(y, o + 5 * p + c);
                a6.intoArray(y, o + 6 * p + c);
                a7.intoArray(y, o + 7 * p + c);
                if (c == ow - l) break;
            }
        }
    }

    static int doubleLanes() { return SD.length(); }

    /**
     * One output plane of the direct conv at both strides 1: {@code y[yOff + oy * ow + ox] = b + sum_t w[wOff + t] *
     * xp[oy * wp + off[t] + ox]} (fused multiply-adds in tap order), straight into the output's rows. A row is
     * covered by whole vectors, the last one shifted back to end at the row's end (it recomputes a few outputs,
     * to the same values); rows narrower than a vector run scalar.
     */
    static void tapRows(double[] xp, int[] off, double[] w, int wOff, int k, double b, double[] y, int yOff, int oh, int ow, int wp) {
        int l = SD.length();
        for (int oy = 0; oy < oh; oy++) {
            int src = oy * wp, o = yOff + oy * ow;
            if (ow < l) {
                for (int ox = 0; ox < ow; ox++) {
                    double a = b;
                    for (int t = 0; t < k; t++) a = Math.fma(xp[src + off[t] + ox], w[wOff + t], a);
                    y[o + ox] = a;
                }
                continue;
            }
            for (int ox = 0; ; ox += l) {
                int c = Math.min(ox, ow - l);
                DoubleVector a = DoubleVector.broadcast(SD, b);
                for (int t = 0; t < k; t++) a = DoubleVector.fromArray(SD, xp, src + off[t] + c).fma(DoubleVector.broadcast(SD, w[wOff + t]), a);
                a.intoArray(y, o + c);
                if (c == ow - l) break;
            }
        }
    }

    /**
     * For each tap t: adds {@code d[dOff + i] * xp[base + off[t] + i]} over i in [0, len) into acc: lane by lane
     * into the tap's {@code doubleLanes()} vector lanes at {@code aOff + t * slot}, the scalar tail into the
     * slot's last element. Four taps at a time share the loads of d.
     */
    static void dots(double[] d, int dOff, double[] xp, int base, int[] off, int k, double[] acc, int aOff, int slot, int len) {
        int l = SD.length(), vend = SD.loopBound(len), t = 0;
        for (; t + 3 < k; t += 4) {
            int a = aOff + t * slot, s0 = base + off[t], s1 = base + off[t + 1], s2 = base + off[t + 2], s3 = base + off[t + 3];
            DoubleVector a0 = DoubleVector.fromArray(SD, acc, a), a1 = DoubleVector.fromArray(SD, acc, a + slot);
            DoubleVector a2 = DoubleVector.fromArray(SD, acc, a + 2 * slot), a3 = DoubleVector.fromArray(SD, acc, a + 3 * slot);
            for (int i = 0; i < vend; i += l) {
                DoubleVector dv = DoubleVector.fromArray(SD, d, dOff + i);
                a0 = DoubleVector.fromArray(SD, xp, s0 + i).fma(dv, a0);
                a1 = DoubleVector.fromArray(SD, xp, s1 + i).fma(dv, a1);
                a2 = DoubleVector.fromArray(SD, xp, s2 + i).fma(dv, a2);
                a3 = DoubleVector.fromArray(SD, xp, s3 + i).fma(dv, a3);
            }
            a0.intoArray(acc, a);
            a1.intoArray(acc, a + slot);
            a2.intoArray(acc, a + 2 * slot);
            a3.intoArray(acc, a + 3 * slot);
        }
        for (; t < k; t++) {
            int a = aOff + t * slot, src = base + off[t];
            DoubleVector a0 = DoubleVector.fromArray(SD, acc, a);
            for (int i = 0; i < vend; i += l) a0 = DoubleVector.fromArray(SD, xp, src + i).fma(DoubleVector.fromArray(SD, d, dOff + i), a0);
            a0.intoArray(acc, a);
        }
        for (t = 0; t < k; t++) {
            int src = base + off[t];
            double sum = 0.0;
            for (int i = vend; i < len; i++) sum = Math.fma(d[dOff + i], xp[src + i], sum);
            acc[aOff + t * slot + slot - 1] += sum;
        }
    }
}

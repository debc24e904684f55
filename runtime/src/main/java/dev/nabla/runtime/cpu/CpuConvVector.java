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

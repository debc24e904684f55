package dev.nabla.runtime.nn;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;

import java.util.Random;

/**
 * Attention by the definition, in plain float64 loops over whole rows: the reference the tiled kernels are
 * checked against. Backward uses delta = sum_j p_j dp_j (the kernels use rowsum(dOut * out)).
 */
final class NaiveAttention {
    private NaiveAttention() {}

    /** Inputs of one check: row-major q, k, v, dOut and a [b, tk] 0/1 mask (null when unpadded). */
    static final class Case {
        final int b, h, tq, tk, dk, dv;
        final boolean causal;
        final double scale;
        final double[] q, k, v, dOut, mask;

        private Case(int b, int h, int tq, int tk, int dk, int dv, boolean causal, double scale, Random rnd, boolean padded) {
            this.b = b; this.h = h; this.tq = tq; this.tk = tk; this.dk = dk; this.dv = dv;
            this.causal = causal;
            this.scale = scale;
            q = values(rnd, b * h * tq * dk, 2.0);
            k = values(rnd, b * h * tk * dk, 2.0);
            v = values(rnd, b * h * tk * dv, 1.0);
            dOut = values(rnd, b * h * tq * dv, 1.0);
            if (padded) {
                mask = new double[b * tk];
                for (int j = 0; j < mask.length; j++) mask[j] = rnd.nextDouble() < 0.3 ? 1 : 0;
            } else {
                mask = null;
            }
        }

        /** Uniform values, seeded; a padded case hides about 30% of keys. */
        static Case random(int b, int h, int tq, int tk, int dk, int dv, boolean causal, boolean padded, double scale, long seed) {
            return new Case(b, h, tq, tk, dk, dv, causal, scale, new Random(seed), padded);
        }

        private static double[] values(Random rnd, int n, double range) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) a[i] = (rnd.nextDouble() * 2 - 1) * range;
            return a;
        }

        Tensor q(DType t) { return Tensor.of(q, Shape.of(b, h, tq, dk), t, Device.CPU); }

        Tensor k(DType t) { return Tensor.of(k, Shape.of(b, h, tk, dk), t, Device.CPU); }

        Tensor v(DType t) { return Tensor.of(v, Shape.of(b, h, tk, dv), t, Device.CPU); }

        Tensor dOut(DType t) { return Tensor.of(dOut, Shape.of(b, h, tq, dv), t, Device.CPU); }

        Tensor maskTensor() { return mask == null ? null : Tensor.of(mask, Shape.of(b, tk), DType.INT64, Device.CPU); }
    }

    record Result(double[] out, double[] dq, double[] dk, double[] dv) {}

    static Result run(Case c) {
        double[] out = new double[c.b * c.h * c.tq * c.dv];
        double[] dq = new double[c.q.length], dk = new double[c.k.length], dv = new double[c.v.length];
        double[] p = new double[c.tk], dp = new double[c.tk];
        for (int n = 0; n < c.b; n++) {
            for (int hh = 0; hh < c.h; hh++) {
                int bh = n * c.h + hh;
                for (int i = 0; i < c.tq; i++) {
                    int qi = (bh * c.tq + i) * c.dk, oi = (bh * c.tq + i) * c.dv;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < c.tk; j++) {
                        boolean seen = !(c.causal && j > i + c.tk - c.tq) && (c.mask == null || c.mask[n * c.tk + j] == 0);
                        if (!seen) {
                            p[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double s = 0;
                        for (int d = 0; d < c.dk; d++) s += c.q[qi + d] * c.k[(bh * c.tk + j) * c.dk + d];
                        p[j] = s * c.scale;
                        max = Math.max(max, p[j]);
                    }
                    if (max == Double.NEGATIVE_INFINITY) continue; // every key hidden: zeros
                    double sum = 0;
                    for (int j = 0; j < c.tk; j++) {
                        p[j] = p[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(p[j] - max);
                        sum += p[j];
                    }
                    double delta = 0;
                    for (int j = 0; j < c.tk; j++) {
                        p[j] /= sum;
                        double g = 0;
                        for (int d = 0; d < c.dv; d++) {
                            out[oi + d] += p[j] * c.v[(bh * c.tk + j) * c.dv + d];
                            g += c.dOut[oi + d] * c.v[(bh * c.tk + j) * c.dv + d];
                        }
                        dp[j] = g;
                        delta += p[j] * g;
                    }
                    for (int j = 0; j < c.tk; j++) {
                        double ds = p[j] * (dp[j] - delta);
                        for (int d = 0; d < c.dk; d++) {
                            dq[qi + d] += c.scale * ds * c.k[(bh * c.tk + j) * c.dk + d];
                            dk[(bh * c.tk + j) * c.dk + d] += c.scale * ds * c.q[qi + d];
                        }
                        for (int d = 0; d < c.dv; d++) dv[(bh * c.tk + j) * c.dv + d] += p[j] * c.dOut[oi + d];
                    }
                }
            }
        }
        return new Result(out, dq, dk, dv);
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Conv2dSpec;

import java.util.Arrays;

/**
 * The float64 loops of {@link CpuConvDirect} (which describes the scheme). {@link CpuConvDirectF} is the same
 * code on float[]; keep the two in step.
 */
final class CpuConvDirectD {
    /** Per-thread scratch: [0] an image's padded planes, [1] an output or output-gradient plane, [2] sums. */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[3][]);

    private CpuConvDirectD() {}

    private static double[] scratch(int slot, int size) {
        double[][] s = SCRATCH.get();
        if (s[slot] == null || s[slot].length < size) s[slot] = new double[size];
        return s[slot];
    }

    /** Copies image img's channels into xp as zero-padded [hp, wp] planes. */
    private static void pad(double[] x, int img, double[] xp, Conv2dSpec s, CpuConvDirect.Geo g) {
        int h = s.h(), w = s.w(), cIn = s.cIn();
        Arrays.fill(xp, 0, cIn * g.plane(), 0.0);
        for (int c = 0; c < cIn; c++) {
            int src = (img * cIn + c) * h * w, dst = c * g.plane() + s.padH() * g.wp() + s.padW();
            for (int iy = 0; iy < h; iy++) System.arraycopy(x, src + iy * w, xp, dst + iy * g.wp(), w);
        }
    }

    static void forward(double[] x, double[] w, double[] bias, double[] y, Conv2dSpec s, CpuConvDirect.Geo g) {
        int k = g.k(), oh = g.oh(), ow = g.ow(), wp = g.wp(), p = oh * ow, cOut = s.cOut();
        CpuThreads.parallelFor(s.n(), CpuConv.grain(cOut * k * p), (from, to) -> {
            double[] xp = scratch(0, s.cIn() * g.plane());
            double[] out = g.flat() && !CpuGemm.VECTOR ? scratch(1, g.run()) : null;
            for (int img = from; img < to; img++) {
                pad(x, img, xp, s, g);
                int co0 = 0;
                if (g.flat() && CpuGemm.VECTOR) {
                    for (; co0 + CpuConvVector.BLOCK <= cOut; co0 += CpuConvVector.BLOCK) {
                        CpuConvVector.tapRowsBlock(xp, g.off(), w, k, bias, co0, y, (img * cOut + co0) * p, p, oh, ow, wp);
                    }
                }
                for (int co = co0; co < cOut; co++) {
                    double b = bias == null ? 0.0 : bias[co];
                    int yOff = (img * cOut + co) * p;
                    if (g.flat() && CpuGemm.VECTOR) {
                        CpuConvVector.tapRows(xp, g.off(), w, co * k, k, b, y, yOff, oh, ow, wp);
                    } else if (g.flat()) {
                        run(xp, 0, 1, g.off(), w, co * k, k, b, out, 0, g.run());
                        for (int oy = 0; oy < oh; oy++) System.arraycopy(out, oy * wp, y, yOff + oy * ow, ow);
                    } else {
                        for (int oy = 0; oy < oh; oy++) {
                            run(xp, oy * g.sh() * wp, g.sw(), g.off(), w, co * k, k, b, y, yOff + oy * ow, ow);
                        }
                    }
                }
            }
        });
    }

    /** out[o + i] = b + sum_t w[wOff + t] * xp[base + off[t] + i * step], for i in [0, len). */
    private static void run(double[] xp, int base, int step, int[] off, double[] w, int wOff, int k, double b,
                            double[] out, int o, int len) {
        if (step == 1) {
            Arrays.fill(out, o, o + len, b);
            for (int t = 0; t < k; t++) {
                double wt = w[wOff + t];
                int src = base + off[t];
                for (int i = 0; i < len; i++) out[o + i] += wt * xp[src + i];
            }
        } else {
            for (int i = 0; i < len; i++) {
                double acc = b;
                int src = base + i * step;
                for (int t = 0; t < k; t++) acc += w[wOff + t] * xp[src + off[t]];
                out[o + i] = acc;
            }
        }
    }

    static void backwardWeight(double[] x, double[] dy, double[] dw, Conv2dSpec s, CpuConvDirect.Geo g) {
        int k = g.k(), oh = g.oh(), ow = g.ow(), wp = g.wp(), p = oh * ow, cOut = s.cOut();
        // Each (co, tap) sums into `lanes` vector lanes plus one scalar tail slot, reduced in lane order at the end.
        int lanes = CpuGemm.VECTOR ? CpuConvVector.doubleLanes() : 0, slot = lanes + 1;
        CpuThreads.parallelFor(cOut, 1, (cf, ct) -> {
            double[] xp = scratch(0, s.cIn() * g.plane());
            double[] d = g.flat() ? scratch(1, g.run()) : null;
            double[] acc = scratch(2, (ct - cf) * k * slot);
            Arrays.fill(acc, 0, (ct - cf) * k * slot, 0.0);
            if (d != null) Arrays.fill(d, 0, g.run(), 0.0); // the extra columns stay zero
            for (int img = 0; img < s.n(); img++) {
                pad(x, img, xp, s, g);
                for (int co = cf; co < ct; co++) {
                    int yOff = (img * cOut + co) * p, aOff = (co - cf) * k * slot;
                    if (g.flat()) {
                        for (int oy = 0; oy < oh; oy++) System.arraycopy(dy, yOff + oy * ow, d, oy * wp, ow);
                        dots(d, 0, xp, 0, 1, g.off(), k, acc, aOff, slot, g.run());
                    } else {
                        for (int oy = 0; oy < oh; oy++) {
                            dots(dy, yOff + oy * ow, xp, oy * g.sh() * wp, g.sw(), g.off(), k, acc, aOff, slot, ow);
                        }
                    }
                }
            }
            for (int co = cf; co < ct; co++) {
                for (int t = 0; t < k; t++) {
                    int a = ((co - cf) * k + t) * slot;
                    double sum = 0.0;
                    for (int l = 0; l < slot; l++) sum += acc[a + l];
                    dw[co * k + t] = sum;
                }
            }
        });
    }

    /**
     * For each tap t: adds d[dOff + i] * xp[base + off[t] + i * step] over i in [0, len) into the tap's slot of
     * acc (its vector lanes at {@code aOff + t * slot}, its scalar tail at the slot's last element).
     */
    private static void dots(double[] d, int dOff, double[] xp, int base, int step, int[] off, int k,
                             double[] acc, int aOff, int slot, int len) {
        if (step == 1 && CpuGemm.VECTOR) {
            CpuConvVector.dots(d, dOff, xp, base, off, k, acc, aOff, slot, len);
            return;
        }
        for (int t = 0; t < k; t++) {
            int src = base + off[t];
            double sum = 0.0;
            for (int i = 0; i < len; i++) sum += d[dOff + i] * xp[src + i * step];
            acc[aOff + t * slot + slot - 1] += sum;
        }
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Pool2dSpec;

/**
 * The max-pool forward loops of {@link CpuPool}, over planes [from, to) of NCHW input: each window's value and
 * the flat index of its winner inside the plane. The winner is what a sequential scan in row-major window order
 * with {@code if (v > m || v != v)} picks, starting from m = -inf at the window's first real pixel: the first
 * maximum on ties, the last NaN when there is one, and the first pixel when all are -inf (PyTorch's CPU kernel).
 *
 * <p>The scan keeps that rule but runs without branches: the running maximum is {@code Math.max} (equal to the
 * sequential one under {@code >}, as it only differs in the sign of a zero or a NaN's payload) and the winner's
 * index is a conditional move. Data-dependent branches cost a misprediction every few pixels on real
 * activations, which made the plain loop five times slower. The stored value is then read back at the winner's
 * index, so it is bit-for-bit the sequential one (-0.0 and NaN payloads included).
 *
 * <p>{@code window2x2} is the common case (2x2 windows at stride 2, no padding; for float32 on the Vector API
 * {@link CpuMaxPoolVector}, bit for bit the same), the general path handles any window, stride and padding.
 */
final class CpuMaxPool {
    private CpuMaxPool() {}

    /**
     * True for 2x2 windows at stride 2 without padding over at least 2x2 pixels: every window is whole and
     * inside the plane. (A 1-pixel side still gets one clipped window from outH / outW's rounding toward zero.)
     */
    static boolean is2x2(Pool2dSpec s) {
        return s.kh() == 2 && s.kw() == 2 && s.strideH() == 2 && s.strideW() == 2 && s.padH() == 0 && s.padW() == 0
                && s.h() >= 2 && s.w() >= 2;
    }

    static void forward(float[] x, float[] y, int[] idx, Pool2dSpec s, int from, int to) {
        if (is2x2(s) && CpuGemm.VECTOR) CpuMaxPoolVector.window2x2(x, y, idx, s.h(), s.w(), from, to);
        else if (is2x2(s)) window2x2(x, y, idx, s.h(), s.w(), from, to);
        else general(x, y, idx, s, from, to);
    }

    static void forward(double[] x, double[] y, int[] idx, Pool2dSpec s, int from, int to) {
        if (is2x2(s)) window2x2(x, y, idx, s.h(), s.w(), from, to);
        else general(x, y, idx, s, from, to);
    }

    /** 2x2 windows at stride 2, no padding; odd h or w leave the last row or column out (floor). */
    static void window2x2(float[] x, float[] y, int[] idx, int h, int w, int from, int to) {
        int oh = h / 2, ow = w / 2, hw = h * w, ohw = oh * ow;
        for (int pl = from; pl < to; pl++) {
            for (int oy = 0; oy < oh; oy++) row2x2(x, y, idx, w, pl * hw, 2 * oy * w, pl * ohw + oy * ow, ow);
        }
    }

    /**
     * The ow windows of one output row of {@link #window2x2}: its plane's input at x[in], its first input row
     * rel into the plane, its outputs from y[o], idx[o].
     */
    static void row2x2(float[] x, float[] y, int[] idx, int w, int in, int rel, int o, int ow) {
        int r0 = in + rel, r1 = r0 + w;
        for (int ox = 0; ox < ow; ox++) {
            int c = 2 * ox;
            float a = x[r0 + c], b = x[r0 + c + 1], p = x[r1 + c], q = x[r1 + c + 1];
            int k = (b > a | b != b) ? 1 : 0;
            float m = Math.max(a, b);
            k = (p > m | p != p) ? w : k;
            m = Math.max(m, p);
            k = (q > m | q != q) ? w + 1 : k;
            int at = rel + c + k;
            idx[o + ox] = at;
            y[o + ox] = x[in + at];
        }
    }

    static void window2x2(double[] x, double[] y, int[] idx, int h, int w, int from, int to) {
        int oh = h / 2, ow = w / 2, hw = h * w, ohw = oh * ow;
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw;
            for (int oy = 0; oy < oh; oy++) {
                int rel = 2 * oy * w, r0 = in + rel, r1 = r0 + w, o = pl * ohw + oy * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int c = 2 * ox;
                    double a = x[r0 + c], b = x[r0 + c + 1], p = x[r1 + c], q = x[r1 + c + 1];
                    int k = (b > a | b != b) ? 1 : 0;
                    double m = Math.max(a, b);
                    k = (p > m | p != p) ? w : k;
                    m = Math.max(m, p);
                    k = (q > m | q != q) ? w + 1 : k;
                    int at = rel + c + k;
                    idx[o + ox] = at;
                    y[o + ox] = x[in + at];
                }
            }
        }
    }

    /**
     * Any window, stride and padding, one output row at a time: the window's taps in row-major order, each tap
     * a pass over the row's outputs that it falls inside, so the inner loop is long and has no bounds to check
     * (a tap-per-output loop runs only kh * kw iterations and was as slow as the branchy one). Each output still
     * sees its pixels in row-major window order. A window with no real pixel (only possible through a spec that
     * PoolOps rejects) gives -inf and the index of its clipped corner, as the sequential loop did.
     */
    static void general(float[] x, float[] y, int[] idx, Pool2dSpec s, int from, int to) {
        Taps t = Taps.of(s);
        int w = s.w(), hw = s.h() * w, oh = t.rowLo.length, ow = t.colLo.length, sw = s.strideW();
        float[] m = new float[ow];
        int[] best = new int[ow];
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = t.rowLo[oy] * w, r1 = t.rowHi[oy] * w, o = pl * oh * ow + oy * ow;
                java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
                for (int ox = 0; ox < ow; ox++) best[ox] = r0 + t.colLo[ox];
                for (int row = r0; row < r1; row += w) {
                    for (int kx = 0; kx < t.oxFrom.length; kx++) {
                        int base = row + kx - s.padW();
                        for (int ox = t.oxFrom[kx], end = t.oxTo[kx]; ox < end; ox++) {
                            int at = base + ox * sw;
                            float v = x[in + at], mm = m[ox];
                            best[ox] = (v > mm | v != v) ? at : best[ox];
                            m[ox] = Math.max(mm, v);
                        }
                    }
                }
                boolean rowEmpty = r1 <= r0;
                for (int ox = 0; ox < ow; ox++) {
                    idx[o + ox] = best[ox];
                    y[o + ox] = rowEmpty || t.colEmpty[ox] ? Float.NEGATIVE_INFINITY : x[in + best[ox]];
                }
            }
        }
    }

    static void general(double[] x, double[] y, int[] idx, Pool2dSpec s, int from, int to) {
        Taps t = Taps.of(s);
        int w = s.w(), hw = s.h() * w, oh = t.rowLo.length, ow = t.colLo.length, sw = s.strideW();
        double[] m = new double[ow];
        int[] best = new int[ow];
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = t.rowLo[oy] * w, r1 = t.rowHi[oy] * w, o = pl * oh * ow + oy * ow;
                java.util.Arrays.fill(m, Double.NEGATIVE_INFINITY);
                for (int ox = 0; ox < ow; ox++) best[ox] = r0 + t.colLo[ox];
                for (int row = r0; row < r1; row += w) {
                    for (int kx = 0; kx < t.oxFrom.length; kx++) {
                        int base = row + kx - s.padW();
                        for (int ox = t.oxFrom[kx], end = t.oxTo[kx]; ox < end; ox++) {
                            int at = base + ox * sw;
                            double v = x[in + at], mm = m[ox];
                            best[ox] = (v > mm | v != v) ? at : best[ox];
                            m[ox] = Math.max(mm, v);
                        }
                    }
                }
                boolean rowEmpty = r1 <= r0;
                for (int ox = 0; ox < ow; ox++) {
                    idx[o + ox] = best[ox];
                    y[o + ox] = rowEmpty || t.colEmpty[ox] ? Double.NEGATIVE_INFINITY : x[in + best[ox]];
                }
            }
        }
    }

    /**
     * The clipped window rows [rowLo, rowHi) of each output row and first columns colLo of each output column;
     * tap column kx lands inside the input for outputs [oxFrom[kx], oxTo[kx]).
     */
    private record Taps(int[] rowLo, int[] rowHi, int[] colLo, boolean[] colEmpty, int[] oxFrom, int[] oxTo) {
        static Taps of(Pool2dSpec s) {
            int oh = s.outH(), ow = s.outW(), w = s.w(), sw = s.strideW(), pw = s.padW(), kw = s.kw();
            int[] rowLo = new int[oh], rowHi = new int[oh], colLo = new int[ow], oxFrom = new int[kw], oxTo = new int[kw];
            boolean[] colEmpty = new boolean[ow];
            for (int oy = 0; oy < oh; oy++) {
                rowLo[oy] = Math.max(0, oy * s.strideH() - s.padH());
                rowHi[oy] = Math.min(s.h(), oy * s.strideH() - s.padH() + s.kh());
            }
            for (int ox = 0; ox < ow; ox++) {
                colLo[ox] = Math.max(0, ox * sw - pw);
                colEmpty[ox] = Math.min(w, ox * sw - pw + kw) <= colLo[ox];
            }
            for (int kx = 0; kx < kw; kx++) {
                // 0 <= ox * sw - pw + kx < w
                oxFrom[kx] = Math.min(ow, Math.max(0, Math.floorDiv(pw - kx + sw - 1, sw)));
                oxTo[kx] = Math.max(oxFrom[kx], Math.min(ow, Math.floorDiv(w - 1 + pw - kx, sw) + 1));
            }
            return new Taps(rowLo, rowHi, colLo, colEmpty, oxFrom, oxTo);
        }
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Conv2dSpec;

/**
 * im2col / col2im for a run of {@code nb} consecutive images of one group of a {@link Conv2dSpec}, and the
 * gathers that put the images' output planes side by side. The column matrix has {@code cInPerGroup * kh * kw}
 * rows and {@code nb * outH * outW} columns (image b's block starts at column {@code b * outH * outW}); row
 * {@code (c * kh + ki) * kw + kj} holds the input pixel each output position sees through kernel tap (ki, kj) of
 * channel c (0 in the padding). Images sit {@code imgStride} elements apart in the tensor.
 * im2col rows are independent, so a caller may split them across threads; col2im must be split by
 * (image, channel) pairs, whose taps overlap only within the pair.
 */
final class CpuIm2col {
    private CpuIm2col() {}

    /** First output column whose input column {@code ox * stride - pad + tap} is >= 0. */
    private static int firstValid(int pad, int tap, int stride) {
        int need = pad - tap; // ox * stride >= need
        return need <= 0 ? 0 : (need + stride - 1) / stride;
    }

    /** One past the last output column whose input column is < size, clipped to [lo, out]. */
    private static int endValid(int size, int pad, int tap, int stride, int out, int lo) {
        int lim = size + pad - tap; // ox * stride < lim
        int end = lim <= 0 ? 0 : (lim + stride - 1) / stride;
        return Math.max(lo, Math.min(out, end));
    }

    static void im2col(float[] x, int xOff, int imgStride, int nb, float[] col, Conv2dSpec s, int rowFrom, int rowTo) {
        int h = s.h(), w = s.w(), kh = s.kh(), kw = s.kw(), oh = s.outH(), ow = s.outW();
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), dh = s.dilationH(), dw = s.dilationW();
        int p = oh * ow, ld = nb * p;
        for (int row = rowFrom; row < rowTo; row++) {
            int kj = row % kw, ki = (row / kw) % kh, c = row / (kw * kh);
            int tapW = kj * dw, tapH = ki * dh;
            int lo = firstValid(pw, tapW, sw), hi = endValid(w, pw, tapW, sw, ow, lo);
            for (int b = 0; b < nb; b++) {
                int plane = xOff + b * imgStride + c * h * w;
                int colOff = row * ld + b * p;
                if (flat(s)) {
                    im2colFlat(x, plane, col, colOff, s, tapH, tapW, lo, hi);
                    continue;
                }
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy * sh - ph + tapH;
                    int o = colOff + oy * ow;
                    if (iy < 0 || iy >= h) {
                        java.util.Arrays.fill(col, o, o + ow, 0f);
                        continue;
                    }
                    int src = plane + iy * w - pw + tapW;
                    for (int ox = 0; ox < lo; ox++) col[o + ox] = 0f;
                    if (sw == 1) {
                        System.arraycopy(x, src + lo, col, o + lo, hi - lo);
                    } else {
                        for (int ox = lo; ox < hi; ox++) col[o + ox] = x[src + ox * sw];
                    }
                    for (int ox = hi; ox < ow; ox++) col[o + ox] = 0f;
                }
            }
        }
    }

    static void im2col(double[] x, int xOff, int imgStride, int nb, double[] col, Conv2dSpec s, int rowFrom, int rowTo) {
        int h = s.h(), w = s.w(), kh = s.kh(), kw = s.kw(), oh = s.outH(), ow = s.outW();
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), dh = s.dilationH(), dw = s.dilationW();
        int p = oh * ow, ld = nb * p;
        for (int row = rowFrom; row < rowTo; row++) {
            int kj = row % kw, ki = (row / kw) % kh, c = row / (kw * kh);
            int tapW = kj * dw, tapH = ki * dh;
            int lo = firstValid(pw, tapW, sw), hi = endValid(w, pw, tapW, sw, ow, lo);
            for (int b = 0; b < nb; b++) {
                int plane = xOff + b * imgStride + c * h * w;
                int colOff = row * ld + b * p;
                if (flat(s)) {
                    im2colFlat(x, plane, col, colOff, s, tapH, tapW, lo, hi);
                    continue;
                }
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy * sh - ph + tapH;
                    int o = colOff + oy * ow;
                    if (iy < 0 || iy >= h) {
                        java.util.Arrays.fill(col, o, o + ow, 0.0);
                        continue;
                    }
                    int src = plane + iy * w - pw + tapW;
                    for (int ox = 0; ox < lo; ox++) col[o + ox] = 0.0;
                    if (sw == 1) {
                        System.arraycopy(x, src + lo, col, o + lo, hi - lo);
                    } else {
                        for (int ox = lo; ox < hi; ox++) col[o + ox] = x[src + ox * sw];
                    }
                    for (int ox = hi; ox < ow; ox++) col[o + ox] = 0.0;
                }
            }
        }
    }

    /**
     * Adds the column matrix back into the images: the adjoint of {@link #im2col}, for the (image, channel)
     * pairs {@code pairFrom..pairTo} (pair {@code b * cInPerGroup + c}).
     */
    static void col2im(float[] col, float[] dx, int dxOff, int imgStride, int nb, Conv2dSpec s, int pairFrom, int pairTo) {
        int h = s.h(), w = s.w(), kh = s.kh(), kw = s.kw(), oh = s.outH(), ow = s.outW();
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), dh = s.dilationH(), dw = s.dilationW();
        int p = oh * ow, ld = nb * p, cinG = s.cIn() / s.groups();
        for (int pair = pairFrom; pair < pairTo; pair++) {
            int b = pair / cinG, c = pair % cinG;
            int plane = dxOff + b * imgStride + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int colOff = ((c * kh + ki) * kw + kj) * ld + b * p;
                    int tapW = kj * dw, tapH = ki * dh;
                    int lo = firstValid(pw, tapW, sw), hi = endValid(w, pw, tapW, sw, ow, lo);
                    if (flat(s)) {
                        col2imFlat(col, colOff, dx, plane, s, tapH, tapW, lo, hi);
                        continue;
                    }
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + tapH;
                        if (iy < 0 || iy >= h) continue;
                        int dst = plane + iy * w - pw + tapW;
                        int o = colOff + oy * ow;
                        if (sw == 1) {
                            for (int ox = lo; ox < hi; ox++) dx[dst + ox] += col[o + ox];
                        } else {
                            for (int ox = lo; ox < hi; ox++) dx[dst + ox * sw] += col[o + ox];
                        }
                    }
                }
            }
        }
    }

    static void col2im(double[] col, double[] dx, int dxOff, int imgStride, int nb, Conv2dSpec s, int pairFrom, int pairTo) {
        int h = s.h(), w = s.w(), kh = s.kh(), kw = s.kw(), oh = s.outH(), ow = s.outW();
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), dh = s.dilationH(), dw = s.dilationW();
        int p = oh * ow, ld = nb * p, cinG = s.cIn() / s.groups();
        for (int pair = pairFrom; pair < pairTo; pair++) {
            int b = pair / cinG, c = pair % cinG;
            int plane = dxOff + b * imgStride + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int colOff = ((c * kh + ki) * kw + kj) * ld + b * p;
                    int tapW = kj * dw, tapH = ki * dh;
                    int lo = firstValid(pw, tapW, sw), hi = endValid(w, pw, tapW, sw, ow, lo);
                    if (flat(s)) {
                        col2imFlat(col, colOff, dx, plane, s, tapH, tapW, lo, hi);
                        continue;
                    }
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + tapH;
                        if (iy < 0 || iy >= h) continue;
                        int dst = plane + iy * w - pw + tapW;
                        int o = colOff + oy * ow;
                        if (sw == 1) {
                            for (int ox = lo; ox < hi; ox++) dx[dst + ox] += col[o + ox];
                        } else {
                            for (int ox = lo; ox < hi; ox++) dx[dst + ox * sw] += col[o + ox];
                        }
                    }
                }
            }
        }
    }

    /**
     * True when an output row and an input row have the same length and both strides are 1, so that one tap's
     * (input pixel, output pixel) pairs are a fixed offset apart in the flattened planes: im2col and col2im can
     * then run over a tap's whole plane at once instead of row by row (wrapped pairs, at the padding columns,
     * are zeros in the column matrix).
     */
    private static boolean flat(Conv2dSpec s) {
        return s.strideH() == 1 && s.strideW() == 1 && s.outW() == s.w();
    }

    /** First output row whose input row {@code oy - padH + tapH} is >= 0 (stride 1), at most outH. */
    private static int rowLo(Conv2dSpec s, int tapH) { return Math.min(s.outH(), Math.max(0, s.padH() - tapH)); }

    /** One past the last output row whose input row is < h (stride 1), at least rowLo. */
    private static int rowHi(Conv2dSpec s, int tapH, int lo) {
        return Math.max(lo, Math.min(s.outH(), s.h() + s.padH() - tapH));
    }

    /** One tap of one image in the {@link #flat} case: a plane copy, then zeros where the tap sees padding. */
    private static void im2colFlat(float[] x, int plane, float[] col, int colOff, Conv2dSpec s, int tapH, int tapW, int lo, int hi) {
        int w = s.w(), ow = s.outW(), p = s.outH() * ow, hw = s.h() * w;
        int delta = (tapH - s.padH()) * w + tapW - s.padW();
        int oyLo = rowLo(s, tapH), oyHi = rowHi(s, tapH, oyLo);
        int from = Math.min(p, Math.max(oyLo * ow, -delta)), to = Math.max(from, Math.min(oyHi * ow, hw - delta));
        java.util.Arrays.fill(col, colOff, colOff + from, 0f);
        if (to > from) System.arraycopy(x, plane + from + delta, col, colOff + from, to - from);
        java.util.Arrays.fill(col, colOff + to, colOff + p, 0f);
        if (lo > 0 || hi < ow) {
            for (int oy = oyLo; oy < oyHi; oy++) {
                int o = colOff + oy * ow;
                for (int ox = 0; ox < lo; ox++) col[o + ox] = 0f;
                for (int ox = hi; ox < ow; ox++) col[o + ox] = 0f;
            }
        }
    }

    /**
     * One tap of one image in the {@link #flat} case: zeros the column entries that fall on padding (they are
     * dropped), then adds the tap's plane in one run. Touches only this image's channel plane.
     */
    private static void col2imFlat(float[] col, int colOff, float[] dx, int plane, Conv2dSpec s, int tapH, int tapW, int lo, int hi) {
        int w = s.w(), ow = s.outW(), hw = s.h() * w;
        int delta = (tapH - s.padH()) * w + tapW - s.padW();
        int oyLo = rowLo(s, tapH), oyHi = rowHi(s, tapH, oyLo);
        if (lo > 0 || hi < ow) {
            for (int oy = oyLo; oy < oyHi; oy++) {
                int o = colOff + oy * ow;
                for (int ox = 0; ox < lo; ox++) col[o + ox] = 0f;
                for (int ox = hi; ox < ow; ox++) col[o + ox] = 0f;
            }
        }
        int from = Math.max(oyLo * ow, -delta), to = Math.min(oyHi * ow, hw - delta);
        int d = plane + delta, c = colOff;
        if (to <= from) return;
        if (CpuGemm.VECTOR) CpuConvVector.add(dx, d + from, col, c + from, to - from);
        else for (int i = from; i < to; i++) dx[d + i] += col[c + i];
    }

    /** One tap of one image in the {@link #flat} case: a plane copy, then zeros where the tap sees padding. */
    private static void im2colFlat(double[] x, int plane, double[] col, int colOff, Conv2dSpec s, int tapH, int tapW, int lo, int hi) {
        int w = s.w(), ow = s.outW(), p = s.outH() * ow, hw = s.h() * w;
        int delta = (tapH - s.padH()) * w + tapW - s.padW();
        int oyLo = rowLo(s, tapH), oyHi = rowHi(s, tapH, oyLo);
        int from = Math.min(p, Math.max(oyLo * ow, -delta)), to = Math.max(from, Math.min(oyHi * ow, hw - delta));
        java.util.Arrays.fill(col, colOff, colOff + from, 0.0);
        if (to > from) System.arraycopy(x, plane + from + delta, col, colOff + from, to - from);
        java.util.Arrays.fill(col, colOff + to, colOff + p, 0.0);
        if (lo > 0 || hi < ow) {
            for (int oy = oyLo; oy < oyHi; oy++) {
                int o = colOff + oy * ow;
                for (int ox = 0; ox < lo; ox++) col[o + ox] = 0.0;
                for (int ox = hi; ox < ow; ox++) col[o + ox] = 0.0;
            }
        }
    }

    /**
     * One tap of one image in the {@link #flat} case: zeros the column entries that fall on padding (they are
     * dropped), then adds the tap's plane in one run. Touches only this image's channel plane.
     */
    private static void col2imFlat(double[] col, int colOff, double[] dx, int plane, Conv2dSpec s, int tapH, int tapW, int lo, int hi) {
        int w = s.w(), ow = s.outW(), hw = s.h() * w;
        int delta = (tapH - s.padH()) * w + tapW - s.padW();
        int oyLo = rowLo(s, tapH), oyHi = rowHi(s, tapH, oyLo);
        if (lo > 0 || hi < ow) {
            for (int oy = oyLo; oy < oyHi; oy++) {
                int o = colOff + oy * ow;
                for (int ox = 0; ox < lo; ox++) col[o + ox] = 0.0;
                for (int ox = hi; ox < ow; ox++) col[o + ox] = 0.0;
            }
        }
        int from = Math.max(oyLo * ow, -delta), to = Math.min(oyHi * ow, hw - delta);
        int d = plane + delta, c = colOff;
        if (to <= from) return;
        if (CpuGemm.VECTOR) CpuConvVector.add(dx, d + from, col, c + from, to - from);
        else for (int i = from; i < to; i++) dx[d + i] += col[c + i];
    }

    /**
     * Copies rows {@code 0..rows} of each image's {@code p}-element planes, starting {@code off} into the tensor
     * and {@code imgStride} apart, into {@code buf} as one [rows, nb * p] matrix: the images side by side.
     */
    static void gather(float[] t, int off, int imgStride, int nb, int rows, int p, float[] buf) {
        int ld = nb * p;
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < nb; b++) System.arraycopy(t, off + b * imgStride + r * p, buf, r * ld + b * p, p);
        }
    }

    static void gather(double[] t, int off, int imgStride, int nb, int rows, int p, double[] buf) {
        int ld = nb * p;
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < nb; b++) System.arraycopy(t, off + b * imgStride + r * p, buf, r * ld + b * p, p);
        }
    }

    /** The inverse of {@link #gather}, adding {@code bias[biasOff + r]} (when bias is not null) to row r. */
    static void scatter(float[] buf, int nb, int rows, int p, float[] t, int off, int imgStride, float[] bias, int biasOff) {
        int ld = nb * p;
        for (int r = 0; r < rows; r++) {
            float bv = bias == null ? 0f : bias[biasOff + r];
            for (int b = 0; b < nb; b++) {
                int src = r * ld + b * p, dst = off + b * imgStride + r * p;
                if (bias == null) System.arraycopy(buf, src, t, dst, p);
                else if (CpuGemm.VECTOR) CpuConvVector.addScalar(t, dst, buf, src, p, bv);
                else for (int i = 0; i < p; i++) t[dst + i] = buf[src + i] + bv;
            }
        }
    }

    static void scatter(double[] buf, int nb, int rows, int p, double[] t, int off, int imgStride, double[] bias, int biasOff) {
        int ld = nb * p;
        for (int r = 0; r < rows; r++) {
            double bv = bias == null ? 0.0 : bias[biasOff + r];
            for (int b = 0; b < nb; b++) {
                int src = r * ld + b * p, dst = off + b * imgStride + r * p;
                if (bias == null) System.arraycopy(buf, src, t, dst, p);
                else if (CpuGemm.VECTOR) CpuConvVector.addScalar(t, dst, buf, src, p, bv);
                else for (int i = 0; i < p; i++) t[dst + i] = buf[src + i] + bv;
            }
        }
    }
}

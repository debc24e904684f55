package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Conv2dSpec;

/**
 * im2col / col2im for one (image, group) of a {@link Conv2dSpec}: the column matrix has
 * {@code cInPerGroup * kh * kw} rows and {@code outH * outW} columns, row {@code (c * kh + ki) * kw + kj}
 * holding the input pixel each output position sees through kernel tap (ki, kj) of channel c (0 in the padding).
 * Rows are independent, so a caller may split them across threads.
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

    static void im2col(float[] x, int xOff, float[] col, Conv2dSpec s, int rowFrom, int rowTo) {
        int h = s.h(), w = s.w(), kh = s.kh(), kw = s.kw(), oh = s.outH(), ow = s.outW();
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), dh = s.dilationH(), dw = s.dilationW();
        int p = oh * ow;
        for (int row = rowFrom; row < rowTo; row++) {
            int kj = row % kw, ki = (row / kw) % kh, c = row / (kw * kh);
            int plane = xOff + c * h * w;
            int colOff = row * p;
            int tapW = kj * dw, tapH = ki * dh;
            int lo = firstValid(pw, tapW, sw), hi = endValid(w, pw, tapW, sw, ow, lo);
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

    static void im2col(double[] x, int xOff, double[] col, Conv2dSpec s, int rowFrom, int rowTo) {
        int h = s.h(), w = s.w(), kh = s.kh(), kw = s.kw(), oh = s.outH(), ow = s.outW();
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), dh = s.dilationH(), dw = s.dilationW();
        int p = oh * ow;
        for (int row = rowFrom; row < rowTo; row++) {
            int kj = row % kw, ki = (row / kw) % kh, c = row / (kw * kh);
            int plane = xOff + c * h * w;
            int colOff = row * p;
            int tapW = kj * dw, tapH = ki * dh;
            int lo = firstValid(pw, tapW, sw), hi = endValid(w, pw, tapW, sw, ow, lo);
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

    /**
     * Adds the column matrix back into the image: the adjoint of {@link #im2col}. Taps of one channel
     * overlap, so a caller splitting the work must split by channel ({@code cFrom..cTo}), never by row.
     */
    static void col2im(float[] col, float[] dx, int dxOff, Conv2dSpec s, int cFrom, int cTo) {
        int h = s.h(), w = s.w(), kh = s.kh(), kw = s.kw(), oh = s.outH(), ow = s.outW();
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), dh = s.dilationH(), dw = s.dilationW();
        int p = oh * ow;
        for (int c = cFrom; c < cTo; c++) {
            int plane = dxOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int row = (c * kh + ki) * kw + kj;
                    int colOff = row * p;
                    int tapW = kj * dw, tapH = ki * dh;
                    int lo = firstValid(pw, tapW, sw), hi = endValid(w, pw, tapW, sw, ow, lo);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + tapH;
                        if (iy < 0 || iy >= h) continue;
                        int dst = plane + iy * w - pw + tapW;
                        int o = colOff + oy * ow;
                        for (int ox = lo; ox < hi; ox++) dx[dst + ox * sw] += col[o + ox];
                    }
                }
            }
        }
    }

    static void col2im(double[] col, double[] dx, int dxOff, Conv2dSpec s, int cFrom, int cTo) {
        int h = s.h(), w = s.w(), kh = s.kh(), kw = s.kw(), oh = s.outH(), ow = s.outW();
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), dh = s.dilationH(), dw = s.dilationW();
        int p = oh * ow;
        for (int c = cFrom; c < cTo; c++) {
            int plane = dxOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int row = (c * kh + ki) * kw + kj;
                    int colOff = row * p;
                    int tapW = kj * dw, tapH = ki * dh;
                    int lo = firstValid(pw, tapW, sw), hi = endValid(w, pw, tapW, sw, ow, lo);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + tapH;
                        if (iy < 0 || iy >= h) continue;
                        int dst = plane + iy * w - pw + tapW;
                        int o = colOff + oy * ow;
                        for (int ox = lo; ox < hi; ox++) dx[dst + ox * sw] += col[o + ox];
                    }
                }
            }
        }
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.Pool2dSpec;
import dev.nabla.runtime.backend.PoolKernels;
import dev.nabla.runtime.backend.PoolResult;

/**
 * Max and average pooling on the CPU with PyTorch's semantics, split across threads by (n, c) plane so that
 * no two threads write the same plane.
 * <ul>
 * <li>max: padding never wins (it is -inf); the argmax is the first maximum in row-major window order, and a
 * NaN in the window propagates (the last NaN's index is kept, as PyTorch's CPU kernel does). The loops are in
 * {@link CpuMaxPool}.</li>
 * <li>avg: the window is {@code [oy*sh - ph, oy*sh - ph + kh)} clipped to {@code h + ph}; the divisor is its
 * size including padding when {@code countIncludePad}, else the number of real pixels it covers.</li>
 * </ul>
 */
final class CpuPool implements PoolKernels {

    @Override
    public PoolResult maxPool2d(Buffer xb, Pool2dSpec s) {
        CpuBuffer x = floating(xb, "max_pool2d");
        check("max_pool2d", s, x, (long) s.n() * s.c() * s.h() * s.w());
        int planes = s.n() * s.c(), oh = s.outH(), ow = s.outW(), hw = s.h() * s.w(), ohw = oh * ow;
        CpuBuffer y = CpuBackend.allocUninitialized(x.dtype, (long) planes * ohw);
        CpuBuffer idx = CpuBackend.allocUninitialized(DType.INT32, (long) planes * ohw);
        CpuThreads.parallelFor(planes, grain(hw), (from, to) -> {
            if (x.f != null) CpuMaxPool.forward(x.f, y.f, idx.i, s, from, to);
            else CpuMaxPool.forward(x.d, y.d, idx.i, s, from, to);
        });
        return new PoolResult(y, idx);
    }

    @Override
    public Buffer maxPool2dBackward(Buffer dyb, Buffer argmaxb, Pool2dSpec s) {
        CpuBuffer dy = floating(dyb, "max_pool2d_backward");
        CpuBuffer am = CpuBuffer.of(argmaxb, "max_pool2d_backward");
        int planes = s.n() * s.c(), hw = s.h() * s.w(), ohw = s.outH() * s.outW();
        check("max_pool2d_backward", s, dy, (long) planes * ohw);
        if (am.dtype != DType.INT32 || am.size != (long) planes * ohw) {
            throw new InvalidArgumentException("max_pool2d_backward: expected an INT32 argmax of " + (long) planes * ohw
                    + " elements, got " + am.size + " x " + am.dtype);
        }
        if (dy.f != null && CpuGemm.VECTOR && CpuMaxPool.is2x2(s) && s.h() % 2 == 0 && s.w() % 2 == 0
                && 2 * s.outW() >= CpuMaxPoolVector.L) {
            // Each pixel in exactly one window: the gradient is written whole, without zeroing dx first (0.80 of
            // the time of zeroing and scattering on the CNN's 28 x 28 planes; rows of fewer than half a vector of
            // windows, its 14 x 14 ones on 512-bit vectors, took 1.2 times as long, and keep the scatter).
            CpuBuffer dx = CpuBackend.allocUninitialized(dy.dtype, (long) planes * hw);
            CpuThreads.parallelFor(planes, grain(ohw), (from, to) -> {
                if (!CpuMaxPoolVector.backward2x2(dy.f, am.i, dx.f, s.h(), s.w(), from, to)) {
                    java.util.Arrays.fill(dx.f, from * hw, to * hw, 0f);
                    scatter(dy.f, am.i, dx.f, hw, ohw, from, to);
                }
            });
            return dx;
        }
        CpuBuffer dx = CpuBackend.alloc(dy.dtype, (long) planes * hw);
        CpuThreads.parallelFor(planes, grain(ohw), (from, to) -> {
            if (dy.f != null) scatter(dy.f, am.i, dx.f, hw, ohw, from, to);
            else scatter(dy.d, am.i, dx.d, hw, ohw, from, to);
        });
        return dx;
    }

    /**
     * One output row of {@link CpuMaxPoolVector#backward2x2} in scalar form: the four pixels of each of its ow
     * windows (plane at dx[in], window rows from rel) get {@code 0f + dy} at the argmax, +0.0 elsewhere. Whether
     * every argmax lies in its window.
     */
    static boolean gradRow2x2(float[] dy, int[] am, float[] dx, int w, int in, int rel, int o, int ow) {
        boolean ok = true;
        for (int ox = 0; ox < ow; ox++) {
            int k = am[o + ox] - rel - 2 * ox, at = in + rel + 2 * ox;
            float g = 0f + dy[o + ox];
            ok &= k == 0 || k == 1 || k == w || k == w + 1;
            dx[at] = k == 0 ? g : 0f;
            dx[at + 1] = k == 1 ? g : 0f;
            dx[at + w] = k == w ? g : 0f;
            dx[at + w + 1] = k == w + 1 ? g : 0f;
        }
        return ok;
    }

    /** dx[plane][argmax[o]] += dy[o] over planes [from, to). */
    private static void scatter(float[] dy, int[] am, float[] dx, int hw, int ohw, int from, int to) {
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw;
            for (int o = pl * ohw, end = o + ohw; o < end; o++) dx[in + am[o]] += dy[o];
        }
    }

    private static void scatter(double[] dy, int[] am, double[] dx, int hw, int ohw, int from, int to) {
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw;
            for (int o = pl * ohw, end = o + ohw; o < end; o++) dx[in + am[o]] += dy[o];
        }
    }

    @Override
    public Buffer avgPool2d(Buffer xb, Pool2dSpec s) {
        CpuBuffer x = floating(xb, "avg_pool2d");
        check("avg_pool2d", s, x, (long) s.n() * s.c() * s.h() * s.w());
        int planes = s.n() * s.c(), hw = s.h() * s.w();
        CpuBuffer y = CpuBackend.allocUninitialized(x.dtype, (long) planes * s.outH() * s.outW());
        Windows win = Windows.of(s);
        CpuThreads.parallelFor(planes, grain(hw), (from, to) -> {
            if (x.f != null) avgF(x.f, y.f, s.w(), win, from, to);
            else avgD(x.d, y.d, s.w(), win, from, to);
        });
        return y;
    }

    /** Each window summed in double in row-major order, times 1 / divisor. */
    private static void avgF(float[] x, float[] y, int w, Windows win, int from, int to) {
        int oh = win.rowLo.length, ow = win.colLo.length, hw = win.h * w;
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw, o = pl * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = in + win.rowLo[oy] * w, r1 = in + win.rowHi[oy] * w;
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = win.colLo[ox], x1 = win.colHi[ox];
                    double sum = 0;
                    for (int row = r0; row < r1; row += w) {
                        for (int at = row + x0, end = row + x1; at < end; at++) sum += x[at];
                    }
                    y[o] = (float) (sum * win.scale(oy, ox));
                }
            }
        }
    }

    private static void avgD(double[] x, double[] y, int w, Windows win, int from, int to) {
        int oh = win.rowLo.length, ow = win.colLo.length, hw = win.h * w;
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw, o = pl * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = in + win.rowLo[oy] * w, r1 = in + win.rowHi[oy] * w;
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = win.colLo[ox], x1 = win.colHi[ox];
                    double sum = 0;
                    for (int row = r0; row < r1; row += w) {
                        for (int at = row + x0, end = row + x1; at < end; at++) sum += x[at];
                    }
                    y[o] = sum * win.scale(oy, ox);
                }
            }
        }
    }

    @Override
    public Buffer avgPool2dBackward(Buffer dyb, Pool2dSpec s) {
        CpuBuffer dy = floating(dyb, "avg_pool2d_backward");
        int planes = s.n() * s.c(), hw = s.h() * s.w();
        check("avg_pool2d_backward", s, dy, (long) planes * s.outH() * s.outW());
        CpuBuffer dx = CpuBackend.alloc(dy.dtype, (long) planes * hw);
        Windows win = Windows.of(s);
        CpuThreads.parallelFor(planes, grain(hw), (from, to) -> {
            if (dy.f != null) avgBackF(dy.f, dx.f, s.w(), win, from, to);
            else avgBackD(dy.d, dx.d, s.w(), win, from, to);
        });
        return dx;
    }

    /** Adds dy / divisor (rounded to float once) to every real pixel of each window. */
    private static void avgBackF(float[] dy, float[] dx, int w, Windows win, int from, int to) {
        int oh = win.rowLo.length, ow = win.colLo.length, hw = win.h * w;
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw, o = pl * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = in + win.rowLo[oy] * w, r1 = in + win.rowHi[oy] * w;
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = win.colLo[ox], x1 = win.colHi[ox];
                    float g = (float) (dy[o] * win.scale(oy, ox));
                    for (int row = r0; row < r1; row += w) {
                        for (int at = row + x0, end = row + x1; at < end; at++) dx[at] += g;
                    }
                }
            }
        }
    }

    private static void avgBackD(double[] dy, double[] dx, int w, Windows win, int from, int to) {
        int oh = win.rowLo.length, ow = win.colLo.length, hw = win.h * w;
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw, o = pl * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int r0 = in + win.rowLo[oy] * w, r1 = in + win.rowHi[oy] * w;
                for (int ox = 0; ox < ow; ox++, o++) {
                    int x0 = win.colLo[ox], x1 = win.colHi[ox];
                    double g = dy[o] * win.scale(oy, ox);
                    for (int row = r0; row < r1; row += w) {
                        for (int at = row + x0, end = row + x1; at < end; at++) dx[at] += g;
                    }
                }
            }
        }
    }

    /**
     * The average-pool windows as PyTorch's avg_pool2d computes them, once per call: window (oy, ox) covers the
     * real rows [rowLo, rowHi) and columns [colLo, colHi); {@code rowPad} and {@code colPad} are its extents
     * clipped to {@code h + ph} / {@code w + pw} only, whose product is the divisor when padding counts.
     */
    private record Windows(int h, boolean includePad, int[] rowLo, int[] rowHi, int[] rowPad,
                           int[] colLo, int[] colHi, int[] colPad) {
        static Windows of(Pool2dSpec s) {
            int oh = s.outH(), ow = s.outW();
            int[] rowLo = new int[oh], rowHi = new int[oh], rowPad = new int[oh];
            int[] colLo = new int[ow], colHi = new int[ow], colPad = new int[ow];
            for (int oy = 0; oy < oh; oy++) {
                int y0 = oy * s.strideH() - s.padH(), y1 = Math.min(y0 + s.kh(), s.h() + s.padH());
                rowPad[oy] = y1 - y0;
                rowLo[oy] = Math.max(y0, 0);
                rowHi[oy] = Math.min(y1, s.h());
            }
            for (int ox = 0; ox < ow; ox++) {
                int x0 = ox * s.strideW() - s.padW(), x1 = Math.min(x0 + s.kw(), s.w() + s.padW());
                colPad[ox] = x1 - x0;
                colLo[ox] = Math.max(x0, 0);
                colHi[ox] = Math.min(x1, s.w());
            }
            return new Windows(s.h(), s.countIncludePad(), rowLo, rowHi, rowPad, colLo, colHi, colPad);
        }

        /** 1 / divisor: the padded window's size, or the number of real pixels (at least 1). */
        double scale(int oy, int ox) {
            int div = includePad ? rowPad[oy] * colPad[ox]
                    : Math.max(1, (rowHi[oy] - rowLo[oy]) * (colHi[ox] - colLo[ox]));
            return 1.0 / div;
        }
    }

    private static int grain(int perPlane) { return Math.max(1, 32768 / Math.max(1, perPlane)); }

    private static CpuBuffer floating(Buffer b, String op) {
        CpuBuffer c = CpuBuffer.of(b, op);
        if (!c.dtype.isFloating()) throw new DTypeMismatchException(op + ": expected FLOAT32 or FLOAT64, got " + c.dtype);
        return c;
    }

    private static void check(String op, Pool2dSpec s, CpuBuffer a, long expected) {
        if (s.kh() <= 0 || s.kw() <= 0 || s.strideH() <= 0 || s.strideW() <= 0 || s.outH() <= 0 || s.outW() <= 0) {
            throw new InvalidArgumentException(op + ": invalid spec " + s);
        }
        if (a.size != expected) {
            throw new InvalidArgumentException(op + ": a buffer of " + a.size + " elements does not match " + s
                    + " (expected " + expected + ")");
        }
    }
}

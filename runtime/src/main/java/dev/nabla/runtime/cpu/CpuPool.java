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
 * NaN in the window propagates (the last NaN's index is kept, as PyTorch's CPU kernel does).</li>
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
        CpuBuffer y = CpuBackend.alloc(x.dtype, (long) planes * ohw);
        CpuBuffer idx = CpuBackend.alloc(DType.INT32, (long) planes * ohw);
        CpuThreads.parallelFor(planes, grain(hw), (from, to) -> {
            if (x.f != null) maxPoolF(x.f, y.f, idx.i, s, from, to);
            else maxPoolD(x.d, y.d, idx.i, s, from, to);
        });
        return new PoolResult(y, idx);
    }

    /**
     * Max-pools planes [from, to): each window's maximum (NaN wins, the first maximum in row-major order on
     * ties) and its flat index in the plane. Arrays and sizes are hoisted into locals so the loops do no
     * field or record-accessor loads.
     */
    private static void maxPoolF(float[] xf, float[] yf, int[] ii, Pool2dSpec s, int from, int to) {
        int w = s.w(), hw = s.h() * w, oh = s.outH(), ow = s.outW(), ohw = oh * ow;
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), kh = s.kh(), kw = s.kw(), h = s.h();
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw, out = pl * ohw;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = Math.max(0, ox * sw - pw), x1 = Math.min(w, ox * sw - pw + kw);
                    int best = y0 * w + x0;
                    float m = Float.NEGATIVE_INFINITY;
                    for (int iy = y0; iy < y1; iy++) {
                        int row = iy * w;
                        for (int ix = x0; ix < x1; ix++) {
                            float v = xf[in + row + ix];
                            if (v > m || v != v) { m = v; best = row + ix; }
                        }
                    }
                    yf[out + oy * ow + ox] = m;
                    ii[out + oy * ow + ox] = best;
                }
            }
        }
    }

    private static void maxPoolD(double[] xd, double[] yd, int[] ii, Pool2dSpec s, int from, int to) {
        int w = s.w(), hw = s.h() * w, oh = s.outH(), ow = s.outW(), ohw = oh * ow;
        int sh = s.strideH(), sw = s.strideW(), ph = s.padH(), pw = s.padW(), kh = s.kh(), kw = s.kw(), h = s.h();
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw, out = pl * ohw;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(0, oy * sh - ph), y1 = Math.min(h, oy * sh - ph + kh);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = Math.max(0, ox * sw - pw), x1 = Math.min(w, ox * sw - pw + kw);
                    int best = y0 * w + x0;
                    double m = Double.NEGATIVE_INFINITY;
                    for (int iy = y0; iy < y1; iy++) {
                        int row = iy * w;
                        for (int ix = x0; ix < x1; ix++) {
                            double v = xd[in + row + ix];
                            if (v > m || v != v) { m = v; best = row + ix; }
                        }
                    }
                    yd[out + oy * ow + ox] = m;
                    ii[out + oy * ow + ox] = best;
                }
            }
        }
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
        CpuBuffer dx = CpuBackend.alloc(dy.dtype, (long) planes * hw);
        CpuThreads.parallelFor(planes, grain(ohw), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int in = pl * hw, out = pl * ohw;
                if (dy.f != null) {
                    for (int o = 0; o < ohw; o++) dx.f[in + am.i[out + o]] += dy.f[out + o];
                } else {
                    for (int o = 0; o < ohw; o++) dx.d[in + am.i[out + o]] += dy.d[out + o];
                }
            }
        });
        return dx;
    }

    @Override
    public Buffer avgPool2d(Buffer xb, Pool2dSpec s) {
        CpuBuffer x = floating(xb, "avg_pool2d");
        check("avg_pool2d", s, x, (long) s.n() * s.c() * s.h() * s.w());
        int planes = s.n() * s.c(), oh = s.outH(), ow = s.outW(), hw = s.h() * s.w(), ohw = oh * ow;
        CpuBuffer y = CpuBackend.alloc(x.dtype, (long) planes * ohw);
        CpuThreads.parallelFor(planes, grain(hw), (from, to) -> {
            int[] win = new int[4];
            for (int pl = from; pl < to; pl++) {
                int in = pl * hw, out = pl * ohw;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double scale = 1.0 / window(s, oy, ox, win);
                        double sum = 0;
                        if (x.f != null) {
                            for (int iy = win[0]; iy < win[1]; iy++) {
                                for (int ix = win[2]; ix < win[3]; ix++) sum += x.f[in + iy * s.w() + ix];
                            }
                            y.f[out + oy * ow + ox] = (float) (sum * scale);
                        } else {
                            for (int iy = win[0]; iy < win[1]; iy++) {
                                for (int ix = win[2]; ix < win[3]; ix++) sum += x.d[in + iy * s.w() + ix];
                            }
                            y.d[out + oy * ow + ox] = sum * scale;
                        }
                    }
                }
            }
        });
        return y;
    }

    @Override
    public Buffer avgPool2dBackward(Buffer dyb, Pool2dSpec s) {
        CpuBuffer dy = floating(dyb, "avg_pool2d_backward");
        int planes = s.n() * s.c(), oh = s.outH(), ow = s.outW(), hw = s.h() * s.w(), ohw = oh * ow;
        check("avg_pool2d_backward", s, dy, (long) planes * ohw);
        CpuBuffer dx = CpuBackend.alloc(dy.dtype, (long) planes * hw);
        CpuThreads.parallelFor(planes, grain(hw), (from, to) -> {
            int[] win = new int[4];
            for (int pl = from; pl < to; pl++) {
                int in = pl * hw, out = pl * ohw;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double scale = 1.0 / window(s, oy, ox, win);
                        if (dy.f != null) {
                            float g = (float) (dy.f[out + oy * ow + ox] * scale);
                            for (int iy = win[0]; iy < win[1]; iy++) {
                                for (int ix = win[2]; ix < win[3]; ix++) dx.f[in + iy * s.w() + ix] += g;
                            }
                        } else {
                            double g = dy.d[out + oy * ow + ox] * scale;
                            for (int iy = win[0]; iy < win[1]; iy++) {
                                for (int ix = win[2]; ix < win[3]; ix++) dx.d[in + iy * s.w() + ix] += g;
                            }
                        }
                    }
                }
            }
        });
        return dx;
    }

    /**
     * Fills {@code win} with the clipped window {y0, y1, x0, x1} of output (oy, ox) and returns the divisor,
     * as PyTorch's avg_pool2d computes them.
     */
    private static int window(Pool2dSpec s, int oy, int ox, int[] win) {
        int y0 = oy * s.strideH() - s.padH(), x0 = ox * s.strideW() - s.padW();
        int y1 = Math.min(y0 + s.kh(), s.h() + s.padH()), x1 = Math.min(x0 + s.kw(), s.w() + s.padW());
        int padded = (y1 - y0) * (x1 - x0);
        y0 = Math.max(y0, 0);
        x0 = Math.max(x0, 0);
        y1 = Math.min(y1, s.h());
        x1 = Math.min(x1, s.w());
        win[0] = y0;
        win[1] = y1;
        win[2] = x0;
        win[3] = x1;
        return s.countIncludePad() ? padded : Math.max(1, (y1 - y0) * (x1 - x0));
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

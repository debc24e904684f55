package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.Conv2dSpec;
import dev.nabla.runtime.backend.ConvKernels;

/**
 * conv2d on the CPU as im2col + GEMM, per (image, group): {@code y_g = W_g [coutG, K] * col [K, P]} with
 * {@code K = cInPerGroup * kh * kw} and {@code P = outH * outW}. Backward-input is {@code W_g^T * dy_g}
 * followed by col2im; backward-weight accumulates {@code dy_g * col^T}. A 1x1, stride-1, unpadded conv
 * uses the input plane itself as the column matrix.
 *
 * <p>Large batches are split across threads by image (each chunk owns one column buffer, and for the
 * weight gradient one partial sum, added up in chunk order so results do not depend on scheduling); small
 * batches run image by image and let the GEMM and im2col split their own work instead.
 */
final class CpuConv implements ConvKernels {

    /** Sizes shared by the three passes. */
    private record Dims(int n, int groups, int cinG, int coutG, int k, int p, int hw, int cIn, int cOut,
                        boolean direct, boolean batchParallel) {
        static Dims of(Conv2dSpec s) {
            int cinG = s.cIn() / s.groups(), coutG = s.cOut() / s.groups();
            boolean direct = s.kh() == 1 && s.kw() == 1 && s.strideH() == 1 && s.strideW() == 1
                    && s.padH() == 0 && s.padW() == 0;
            boolean batchParallel = s.n() >= Math.max(2, CpuThreads.threads() / 2);
            return new Dims(s.n(), s.groups(), cinG, coutG, cinG * s.kh() * s.kw(), s.outH() * s.outW(),
                    s.h() * s.w(), s.cIn(), s.cOut(), direct, batchParallel);
        }

        int xOff(int img, int g) { return (img * cIn + g * cinG) * hw; }

        int yOff(int img, int g) { return (img * cOut + g * coutG) * p; }

        int wOff(int g) { return g * coutG * k; }

        /** Runs body over images: split across threads for large batches, else on the calling thread. */
        void forImages(CpuThreads.RangeBody body) {
            if (batchParallel) CpuThreads.parallelFor(n, 1, body);
            else body.run(0, n);
        }
    }

    @Override
    public Buffer conv2d(Buffer xb, Buffer wb, Buffer biasb, Conv2dSpec s) {
        CpuBuffer x = CpuBuffer.of(xb, "conv2d"), w = CpuBuffer.of(wb, "conv2d");
        CpuBuffer bias = biasb == null ? null : CpuBuffer.of(biasb, "conv2d");
        check("conv2d", s, x, (long) s.n() * s.cIn() * s.h() * s.w(), w, (long) s.cOut() * (s.cIn() / s.groups()) * s.kh() * s.kw());
        if (bias != null) check("conv2d", s, bias, s.cOut(), x, x.size);
        Dims d = Dims.of(s);
        CpuBuffer y = CpuBackend.alloc(x.dtype, (long) s.n() * s.cOut() * d.p());
        if (x.dtype == DType.FLOAT32) forwardF(x.f, w.f, bias == null ? null : bias.f, y.f, s, d);
        else forwardD(x.d, w.d, bias == null ? null : bias.d, y.d, s, d);
        return y;
    }

    @Override
    public Buffer conv2dBackwardInput(Buffer dyb, Buffer wb, Conv2dSpec s) {
        CpuBuffer dy = CpuBuffer.of(dyb, "conv2d_backward_input"), w = CpuBuffer.of(wb, "conv2d_backward_input");
        check("conv2d_backward_input", s, dy, (long) s.n() * s.cOut() * s.outH() * s.outW(),
                w, (long) s.cOut() * (s.cIn() / s.groups()) * s.kh() * s.kw());
        Dims d = Dims.of(s);
        CpuBuffer dx = CpuBackend.alloc(dy.dtype, (long) s.n() * s.cIn() * d.hw());
        if (dy.dtype == DType.FLOAT32) backwardInputF(dy.f, w.f, dx.f, s, d);
        else backwardInputD(dy.d, w.d, dx.d, s, d);
        return dx;
    }

    @Override
    public Buffer conv2dBackwardWeight(Buffer xb, Buffer dyb, Conv2dSpec s) {
        CpuBuffer x = CpuBuffer.of(xb, "conv2d_backward_weight"), dy = CpuBuffer.of(dyb, "conv2d_backward_weight");
        check("conv2d_backward_weight", s, x, (long) s.n() * s.cIn() * s.h() * s.w(),
                dy, (long) s.n() * s.cOut() * s.outH() * s.outW());
        Dims d = Dims.of(s);
        int chunks = d.batchParallel() ? Math.min(CpuThreads.threads(), d.n()) : 1;
        int wSize = s.cOut() * d.k();
        CpuBuffer dw = CpuBackend.alloc(x.dtype, wSize);
        if (x.dtype == DType.FLOAT32) {
            float[][] parts = new float[chunks][];
            parts[0] = dw.f;
            for (int c = 1; c < chunks; c++) parts[c] = new float[wSize];
            CpuThreads.parallelFor(chunks, 1, (cf, ct) -> {
                float[] col = d.direct() ? null : new float[d.k() * d.p()];
                for (int c = cf; c < ct; c++) {
                    for (int img = (int) ((long) d.n() * c / chunks), end = (int) ((long) d.n() * (c + 1) / chunks); img < end; img++) {
                        weightGradF(x.f, dy.f, parts[c], col, img, s, d);
                    }
                }
            });
            CpuThreads.parallelFor(wSize, 4096, (from, to) -> {
                for (int c = 1; c < chunks; c++) {
                    float[] part = parts[c];
                    for (int i = from; i < to; i++) dw.f[i] += part[i];
                }
            });
        } else {
            double[][] parts = new double[chunks][];
            parts[0] = dw.d;
            for (int c = 1; c < chunks; c++) parts[c] = new double[wSize];
            CpuThreads.parallelFor(chunks, 1, (cf, ct) -> {
                double[] col = d.direct() ? null : new double[d.k() * d.p()];
                for (int c = cf; c < ct; c++) {
                    for (int img = (int) ((long) d.n() * c / chunks), end = (int) ((long) d.n() * (c + 1) / chunks); img < end; img++) {
                        weightGradD(x.d, dy.d, parts[c], col, img, s, d);
                    }
                }
            });
            CpuThreads.parallelFor(wSize, 4096, (from, to) -> {
                for (int c = 1; c < chunks; c++) {
                    double[] part = parts[c];
                    for (int i = from; i < to; i++) dw.d[i] += part[i];
                }
            });
        }
        return dw;
    }

    // ---------------------------------------------------------------- float32

    private static void forwardF(float[] x, float[] w, float[] bias, float[] y, Conv2dSpec s, Dims d) {
        d.forImages((from, to) -> {
            float[] col = d.direct() ? null : new float[d.k() * d.p()];
            for (int img = from; img < to; img++) {
                for (int g = 0; g < d.groups(); g++) {
                    float[] src = x;
                    int srcOff = d.xOff(img, g);
                    if (!d.direct()) {
                        im2colF(x, srcOff, col, s, d);
                        src = col;
                        srcOff = 0;
                    }
                    CpuGemm.sgemm(false, false, d.coutG(), d.p(), d.k(), 1f, w, d.wOff(g), d.k(),
                            src, srcOff, d.p(), 0f, y, d.yOff(img, g), d.p());
                }
                if (bias != null) {
                    for (int co = 0; co < d.cOut(); co++) {
                        float b = bias[co];
                        for (int i = (img * d.cOut() + co) * d.p(), end = i + d.p(); i < end; i++) y[i] += b;
                    }
                }
            }
        });
    }

    private static void backwardInputF(float[] dy, float[] w, float[] dx, Conv2dSpec s, Dims d) {
        d.forImages((from, to) -> {
            float[] col = d.direct() ? null : new float[d.k() * d.p()];
            for (int img = from; img < to; img++) {
                for (int g = 0; g < d.groups(); g++) {
                    if (d.direct()) {
                        CpuGemm.sgemm(true, false, d.k(), d.p(), d.coutG(), 1f, w, d.wOff(g), d.k(),
                                dy, d.yOff(img, g), d.p(), 0f, dx, d.xOff(img, g), d.p());
                        continue;
                    }
                    CpuGemm.sgemm(true, false, d.k(), d.p(), d.coutG(), 1f, w, d.wOff(g), d.k(),
                            dy, d.yOff(img, g), d.p(), 0f, col, 0, d.p());
                    int dxOff = d.xOff(img, g);
                    CpuThreads.parallelFor(d.cinG(), grain(s.kh() * s.kw() * d.p()),
                            (cf, ct) -> CpuIm2col.col2im(col, dx, dxOff, s, cf, ct));
                }
            }
        });
    }

    private static void weightGradF(float[] x, float[] dy, float[] dw, float[] col, int img, Conv2dSpec s, Dims d) {
        for (int g = 0; g < d.groups(); g++) {
            float[] src = x;
            int srcOff = d.xOff(img, g);
            if (!d.direct()) {
                im2colF(x, srcOff, col, s, d);
                src = col;
                srcOff = 0;
            }
            CpuGemm.sgemm(false, true, d.coutG(), d.k(), d.p(), 1f, dy, d.yOff(img, g), d.p(),
                    src, srcOff, d.p(), 1f, dw, d.wOff(g), d.k());
        }
    }

    private static void im2colF(float[] x, int xOff, float[] col, Conv2dSpec s, Dims d) {
        CpuThreads.parallelFor(d.k(), grain(d.p()), (rf, rt) -> CpuIm2col.im2col(x, xOff, col, s, rf, rt));
    }

    // ---------------------------------------------------------------- float64 (same structure)

    private static void forwardD(double[] x, double[] w, double[] bias, double[] y, Conv2dSpec s, Dims d) {
        d.forImages((from, to) -> {
            double[] col = d.direct() ? null : new double[d.k() * d.p()];
            for (int img = from; img < to; img++) {
                for (int g = 0; g < d.groups(); g++) {
                    double[] src = x;
                    int srcOff = d.xOff(img, g);
                    if (!d.direct()) {
                        im2colD(x, srcOff, col, s, d);
                        src = col;
                        srcOff = 0;
                    }
                    CpuGemm.dgemm(false, false, d.coutG(), d.p(), d.k(), 1.0, w, d.wOff(g), d.k(),
                            src, srcOff, d.p(), 0.0, y, d.yOff(img, g), d.p());
                }
                if (bias != null) {
                    for (int co = 0; co < d.cOut(); co++) {
                        double b = bias[co];
                        for (int i = (img * d.cOut() + co) * d.p(), end = i + d.p(); i < end; i++) y[i] += b;
                    }
                }
            }
        });
    }

    private static void backwardInputD(double[] dy, double[] w, double[] dx, Conv2dSpec s, Dims d) {
        d.forImages((from, to) -> {
            double[] col = d.direct() ? null : new double[d.k() * d.p()];
            for (int img = from; img < to; img++) {
                for (int g = 0; g < d.groups(); g++) {
                    if (d.direct()) {
                        CpuGemm.dgemm(true, false, d.k(), d.p(), d.coutG(), 1.0, w, d.wOff(g), d.k(),
                                dy, d.yOff(img, g), d.p(), 0.0, dx, d.xOff(img, g), d.p());
                        continue;
                    }
                    CpuGemm.dgemm(true, false, d.k(), d.p(), d.coutG(), 1.0, w, d.wOff(g), d.k(),
                            dy, d.yOff(img, g), d.p(), 0.0, col, 0, d.p());
                    int dxOff = d.xOff(img, g);
                    CpuThreads.parallelFor(d.cinG(), grain(s.kh() * s.kw() * d.p()),
                            (cf, ct) -> CpuIm2col.col2im(col, dx, dxOff, s, cf, ct));
                }
            }
        });
    }

    private static void weightGradD(double[] x, double[] dy, double[] dw, double[] col, int img, Conv2dSpec s, Dims d) {
        for (int g = 0; g < d.groups(); g++) {
            double[] src = x;
            int srcOff = d.xOff(img, g);
            if (!d.direct()) {
                im2colD(x, srcOff, col, s, d);
                src = col;
                srcOff = 0;
            }
            CpuGemm.dgemm(false, true, d.coutG(), d.k(), d.p(), 1.0, dy, d.yOff(img, g), d.p(),
                    src, srcOff, d.p(), 1.0, dw, d.wOff(g), d.k());
        }
    }

    private static void im2colD(double[] x, int xOff, double[] col, Conv2dSpec s, Dims d) {
        CpuThreads.parallelFor(d.k(), grain(d.p()), (rf, rt) -> CpuIm2col.im2col(x, xOff, col, s, rf, rt));
    }

    // ---------------------------------------------------------------- checks

    /** Rows per task so that each task copies at least ~32K elements. */
    private static int grain(int perRow) { return Math.max(1, 32768 / Math.max(1, perRow)); }

    /** Cheap guards for direct backend callers; the op layer has already validated shapes with better messages. */
    private static void check(String op, Conv2dSpec s, CpuBuffer a, long aSize, CpuBuffer b, long bSize) {
        if (!a.dtype.isFloating() || a.dtype != b.dtype) {
            throw new DTypeMismatchException(op + ": expected two FLOAT32 or two FLOAT64 buffers, got "
                    + a.dtype + " and " + b.dtype);
        }
        if (s.groups() <= 0 || s.cIn() % s.groups() != 0 || s.cOut() % s.groups() != 0 || s.outH() <= 0 || s.outW() <= 0) {
            throw new InvalidArgumentException(op + ": invalid spec " + s);
        }
        if (a.size != aSize || b.size != bSize) {
            throw new InvalidArgumentException(op + ": buffers of " + a.size + " and " + b.size
                    + " elements do not match " + s + " (expected " + aSize + " and " + bSize + ")");
        }
    }
}

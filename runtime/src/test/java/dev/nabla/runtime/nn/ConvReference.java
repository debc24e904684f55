package dev.nabla.runtime.nn;

/**
 * Plain-loop float64 references for conv2d and pooling, written straight from the definitions (no im2col,
 * no GEMM) so that they share nothing with the kernels under test. Arrays are NCHW, row-major.
 */
final class ConvReference {
    private ConvReference() {}

    /** Conv geometry: input [n, cIn, h, w], weight [cOut, cIn/groups, kh, kw]. */
    record Geo(int n, int cIn, int h, int w, int cOut, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        int oh() { return (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1; }

        int ow() { return (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1; }

        int cinG() { return cIn / groups; }

        int[] stride() { return new int[]{sh, sw}; }

        int[] padding() { return new int[]{ph, pw}; }

        int[] dilation() { return new int[]{dh, dw}; }

        int[] xDims() { return new int[]{n, cIn, h, w}; }

        int[] wDims() { return new int[]{cOut, cinG(), kh, kw}; }

        int[] yDims() { return new int[]{n, cOut, oh(), ow()}; }
    }

    /** Calls visit(xIndex, wIndex, yIndex) for every (input, weight, output) triple the conv multiplies. */
    private interface Visit { void at(int xi, int wi, int yi); }

    private static void forEachTap(Geo g, Visit v) {
        int coutG = g.cOut() / g.groups(), cinG = g.cinG(), oh = g.oh(), ow = g.ow();
        for (int b = 0; b < g.n(); b++) {
            for (int co = 0; co < g.cOut(); co++) {
                int grp = co / coutG;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int yi = ((b * g.cOut() + co) * oh + oy) * ow + ox;
                        for (int ci = 0; ci < cinG; ci++) {
                            int c = grp * cinG + ci;
                            for (int ki = 0; ki < g.kh(); ki++) {
                                int iy = oy * g.sh() - g.ph() + ki * g.dh();
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int kj = 0; kj < g.kw(); kj++) {
                                    int ix = ox * g.sw() - g.pw() + kj * g.dw();
                                    if (ix < 0 || ix >= g.w()) continue;
                                    int xi = ((b * g.cIn() + c) * g.h() + iy) * g.w() + ix;
                                    int wi = ((co * cinG + ci) * g.kh() + ki) * g.kw() + kj;
                                    v.at(xi, wi, yi);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static double[] conv(Geo g, double[] x, double[] w, double[] bias) {
        double[] y = new double[g.n() * g.cOut() * g.oh() * g.ow()];
        forEachTap(g, (xi, wi, yi) -> y[yi] += x[xi] * w[wi]);
        if (bias != null) {
            int plane = g.oh() * g.ow();
            for (int i = 0; i < y.length; i++) y[i] += bias[(i / plane) % g.cOut()];
        }
        return y;
    }

    static double[] convGradInput(Geo g, double[] dy, double[] w) {
        double[] dx = new double[g.n() * g.cIn() * g.h() * g.w()];
        forEachTap(g, (xi, wi, yi) -> dx[xi] += dy[yi] * w[wi]);
        return dx;
    }

    static double[] convGradWeight(Geo g, double[] x, double[] dy) {
        double[] dw = new double[g.cOut() * g.cinG() * g.kh() * g.kw()];
        forEachTap(g, (xi, wi, yi) -> dw[wi] += dy[yi] * x[xi]);
        return dw;
    }

    static double[] convGradBias(Geo g, double[] dy) {
        double[] db = new double[g.cOut()];
        int plane = g.oh() * g.ow();
        for (int i = 0; i < dy.length; i++) db[(i / plane) % g.cOut()] += dy[i];
        return db;
    }

    /** Pool geometry over [n, c, h, w]. */
    record PoolGeo(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
        int oh() { return (h + 2 * ph - kh) / sh + 1; }

        int ow() { return (w + 2 * pw - kw) / sw + 1; }

        int[] kernel() { return new int[]{kh, kw}; }

        int[] stride() { return new int[]{sh, sw}; }

        int[] padding() { return new int[]{ph, pw}; }

        int[] xDims() { return new int[]{n, c, h, w}; }
    }

    /** Max pooling; fills argmax (flat input index) when non-null. Padding never wins. */
    static double[] maxPool(PoolGeo g, double[] x, int[] argmax) {
        int oh = g.oh(), ow = g.ow();
        double[] y = new double[g.n() * g.c() * oh * ow];
        for (int p = 0; p < g.n() * g.c(); p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int ki = 0; ki < g.kh(); ki++) {
                        for (int kj = 0; kj < g.kw(); kj++) {
                            int iy = oy * g.sh() - g.ph() + ki, ix = ox * g.sw() - g.pw() + kj;
                            if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                            int xi = (p * g.h() + iy) * g.w() + ix;
                            if (at < 0 || x[xi] > best) { best = x[xi]; at = xi; }
                        }
                    }
                    int yi = (p * oh + oy) * ow + ox;
                    y[yi] = best;
                    if (argmax != null) argmax[yi] = at;
                }
            }
        }
        return y;
    }

    static double[] maxPoolGrad(PoolGeo g, double[] x, double[] dy) {
        int[] argmax = new int[dy.length];
        maxPool(g, x, argmax);
        double[] dx = new double[x.length];
        for (int i = 0; i < dy.length; i++) dx[argmax[i]] += dy[i];
        return dx;
    }

    /** Applies PyTorch's average-pool weights: out += weight * in for each (input, output) pair. */
    private interface AvgVisit { void at(int xi, int yi, double weight); }

    private static void forEachAvg(PoolGeo g, boolean countIncludePad, AvgVisit v) {
        int oh = g.oh(), ow = g.ow();
        for (int p = 0; p < g.n() * g.c(); p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int y0 = oy * g.sh() - g.ph(), x0 = ox * g.sw() - g.pw();
                    int y1 = Math.min(y0 + g.kh(), g.h() + g.ph()), x1 = Math.min(x0 + g.kw(), g.w() + g.pw());
                    int real = 0;
                    for (int iy = Math.max(0, y0); iy < Math.min(y1, g.h()); iy++) {
                        for (int ix = Math.max(0, x0); ix < Math.min(x1, g.w()); ix++) real++;
                    }
                    double div = countIncludePad ? (y1 - y0) * (x1 - x0) : real;
                    int yi = (p * oh + oy) * ow + ox;
                    for (int iy = Math.max(0, y0); iy < Math.min(y1, g.h()); iy++) {
                        for (int ix = Math.max(0, x0); ix < Math.min(x1, g.w()); ix++) {
                            v.at((p * g.h() + iy) * g.w() + ix, yi, 1.0 / div);
                        }
                    }
                }
            }
        }
    }

    static double[] avgPool(PoolGeo g, double[] x, boolean countIncludePad) {
        double[] y = new double[g.n() * g.c() * g.oh() * g.ow()];
        forEachAvg(g, countIncludePad, (xi, yi, wt) -> y[yi] += wt * x[xi]);
        return y;
    }

    static double[] avgPoolGrad(PoolGeo g, double[] dy, boolean countIncludePad) {
        double[] dx = new double[g.n() * g.c() * g.h() * g.w()];
        forEachAvg(g, countIncludePad, (xi, yi, wt) -> dx[xi] += wt * dy[yi]);
        return dx;
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Conv2dSpec;

import java.util.Arrays;

/**
 * The weight gradient of {@link CpuConvWinograd}'s convolutions as Winograd F(3x3, 2x2), the forward's identity
 * read the other way: per 2x2 tile of dy and the 4x4 input patch under it,
 * {@code dW_(co,c) += G^T [ (A dy A^T) .* (B^T x B) ] G}, and since the sum over tiles can move inside,
 * {@code dW = G^T M G} with {@code M[xi, nu] = D[xi, nu] [cOut, T] x V[xi, nu] [T, cIn]} summed over every tile of
 * the batch: 16 products per tile and (co, c) instead of 36.
 *
 * <p>V is the forward's input transform, laid out [tile][channel] by transforming vectors of channels of the image
 * in [row][column][channel] order; D transforms dy as the forward transforms x; the products are the implicit
 * conv's weight-gradient tiles (8 output channels x 2 vectors of input channels). Groups of {@link #WEIGHT_GROUP}
 * images sum in float, in image order, and the groups' sums add up in double in group order, so the result does
 * not depend on the threads. A non-finite M (an infinite or NaN input, which the transforms would spread over the
 * tiles' whole 3x3 gradients) recomputes the gradient directly. The vector loops are in
 * {@link CpuConvWinogradVector}; the scalar twins here compute the same operations in the same order.
 */
final class CpuConvWinogradWeight {
    private static final int MR = CpuConvWinograd.MR;

    /** Per-thread scratch: [0] the image channels-last, [1] V, [2] even/odd columns of a dy plane, [3] D. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][]);

    private CpuConvWinogradWeight() {}

    private static float[] scratch(int slot, long size) {
        float[][] s = SCRATCH.get();
        if (s[slot] == null || s[slot].length < size) s[slot] = new float[(int) size];
        return s[slot];
    }

    /** Whether the weight gradient of s takes this path: as the forward, with input channels in blocks of 2 vectors. */
    static boolean applies(Conv2dSpec s) {
        return CpuConvWinograd.appliesForward(s) && s.cIn() % (2 * CpuConvImplicit.lanes()) == 0;
    }

    /** Images per transform chunk of the weight gradient at most (its V and D stay in cache). */
    static final int WEIGHT_CHUNK = 2;
    /** Images whose weight-gradient products sum in float before the double total. */
    static final int WEIGHT_GROUP = 16;

    static void backward(float[] x, float[] dy, float[] dw, Conv2dSpec s) {
        weight(x, dy, dw, s, true);
    }

    /** dW [cOut, cIn, 3, 3] of the conv s; vector: the Vector API transforms and tiles, else their scalar twins. */
    static void weight(float[] x, float[] dy, float[] dw, Conv2dSpec s, boolean vector) {
        CpuConvWinograd.Geo gx = CpuConvWinograd.Geo.forward(s), gd = CpuConvWinograd.Geo.tiles(s.cOut(), s.outH(), s.outW());
        int n = s.n(), c = s.cIn(), cOut = s.cOut(), nb = 2 * CpuConvImplicit.lanes(), blocks = c / nb;
        int tiles = gx.tiles(), chunk = CpuConvWinograd.chunkImages(c + cOut, tiles, WEIGHT_CHUNK), tmax = chunk * tiles;
        int ld = tmax + CpuConvImplicit.lanes();
        int wp = 2 * gx.tw() + 2, imgIn = c * s.h() * s.w(), plane = s.outH() * s.outW(), mSize = 16 * cOut * c;
        int groups = (n + WEIGHT_GROUP - 1) / WEIGHT_GROUP;
        int[] offD = new int[cOut];
        for (int co = 0; co < cOut; co++) offD[co] = co * ld;
        int[] dst = vector ? transposeTargets(gx, wp) : null;
        float[] part = new float[groups * mSize]; // per group: [xi, nu][block of nb input channels][co][nb]
        CpuThreads.parallelFor(groups, 1, (gf, gt) -> {
            float[] xp = scratch(0, (long) gx.hp() * wp * c), vt = scratch(1, 16L * tmax * c);
            float[] d = scratch(3, 16L * cOut * ld), eo = scratch(2, 2L * gd.hp() * gd.es());
            for (int grp = gf; grp < gt; grp++) {
                int mOff = grp * mSize, end = Math.min(n, (grp + 1) * WEIGHT_GROUP);
                for (int img0 = grp * WEIGHT_GROUP; img0 < end; img0 += chunk) {
                    int nbImg = Math.min(chunk, end - img0), t = nbImg * tiles;
                    for (int i = 0; i < nbImg; i++) {
                        int img = img0 + i;
                        channelsLast(x, img * imgIn, gx, wp, xp, dst);
                        if (vector) CpuConvWinogradVector.channelTransform(xp, gx, wp, vt, i * tiles, tmax, nb);
                        else channelTransform(xp, gx, wp, vt, i * tiles, tmax, nb);
                        for (int co = 0; co < cOut; co++) {
                            int dyOff = (img * cOut + co) * plane, dOff = co * ld + i * tiles;
                            if (vector && CpuConvWinogradVector.direct(gd)) {
                                CpuConvWinogradVector.gradPlane(dy, dyOff, gd, d, dOff, cOut * ld);
                            } else if (vector) {
                                CpuConvWinogradVector.build(dy, dyOff, gd, eo);
                                CpuConvWinogradVector.gradTransform(eo, gd, d, dOff, cOut * ld);
                            } else {
                                gd.build(dy, dyOff, eo);
                                gradTransform(eo, gd, d, dOff, cOut * ld);
                            }
                        }
                    }
                    for (int e = 0; e < 16; e++) {
                        for (int b = 0; b < blocks; b++) {
                            int vOff = (e * blocks + b) * tmax * nb;
                            for (int co = 0; co < cOut; co += MR) {
                                int tOff = mOff + ((e * blocks + b) * cOut + co) * nb;
                                if (vector) CpuConvImplicit.weightTile(d, offD, co, MR, e * cOut * ld, vt, vOff, t, part, tOff);
                                else CpuConvImplicit.weightTileScalar(d, offD, co, MR, e * cOut * ld, vt, vOff, t, nb, part, tOff);
                            }
                        }
                    }
                }
            }
        });
        // The groups' float sums added in double, in group order: element ranges across threads, each group's
        // range read in one pass (summing element by element across the groups jumps mSize floats per read).
        double[] sum = new double[mSize];
        CpuThreads.parallelFor(mSize, 1 << 14, (from, to) -> {
            for (int grp = 0; grp < groups; grp++) {
                for (int i = from, at = grp * mSize + from; i < to; i++, at++) sum[i] += part[at];
            }
        });
        boolean[] bad = new boolean[cOut];
        CpuThreads.parallelFor(cOut, Math.max(1, 4096 / Math.max(1, c)), (cf, ct) -> {
            double[] m = new double[16];
            for (int co = cf; co < ct; co++) {
                for (int ci = 0; ci < c; ci++) {
                    for (int e = 0; e < 16; e++) m[e] = sum[((e * blocks + ci / nb) * cOut + co) * nb + ci % nb];
                    bad[co] |= !outputTransform(m, dw, (co * c + ci) * 9);
                }
            }
        });
        for (boolean b : bad) {
            if (b) {
                CpuConvImplicit.weightRows(x, dy, dw, n, cOut, CpuConvImplicit.Sources.forward(s), vector);
                return;
            }
        }
    }

    /**
     * {@code dw[o ..] = G^T M G} (3x3, rows then columns) of one pair's summed M (m[xi * 4 + nu]), in double and
     * rounded once; false when a result is not finite. G^T's entries are 1, 1/2 and -1/2 where they are not 0: the
     * products by 0 are left out, and each sum starts from +0 as the matrix loop's did, so the values are that
     * loop's bit for bit (a non-finite m, whose product by 0 the loop turned into NaN, still reaches an output
     * through an entry that is not 0).
     */
    static boolean outputTransform(double[] m, float[] dw, int o) {
        boolean finite = true;
        for (int l = 0; l < 3; l++) {
            // (M G)[xi][l] for xi = 0..3, then G^T of that column
            double ra = column(m, 0, l), rb = column(m, 4, l), rc = column(m, 8, l), rd = column(m, 12, l);
            double v0 = (0.0 + ra) + 0.5 * rb + 0.5 * rc;
            double v1 = (0.0 + 0.5 * rb) - 0.5 * rc;
            double v2 = (0.0 + 0.5 * rb) + 0.5 * rc + rd;
            dw[o + l] = (float) v0;
            dw[o + 3 + l] = (float) v1;
            dw[o + 6 + l] = (float) v2;
            finite &= Double.isFinite(v0) & Double.isFinite(v1) & Double.isFinite(v2);
        }
        return finite;
    }

    /** Column l of row m[at .. at + 4) times G: G's row l is (1, 1/2, 1/2, 0), (0, 1/2, -1/2, 0) or (0, 1/2, 1/2, 1). */
    private static double column(double[] m, int at, int l) {
        return switch (l) {
            case 0 -> (0.0 + m[at]) + 0.5 * m[at + 1] + 0.5 * m[at + 2];
            case 1 -> (0.0 + 0.5 * m[at + 1]) - 0.5 * m[at + 2];
            default -> (0.0 + 0.5 * m[at + 1]) + 0.5 * m[at + 2] + m[at + 3];
        };
    }

    /**
     * Where {@link CpuConvWinogradVector#channelsLast}'s transposes store each plane pixel's channels
     * ({@code xp[dst[iy * w + ix]]}), or null where they do not apply (then the scalar copy runs).
     */
    static int[] transposeTargets(CpuConvWinograd.Geo g, int wp) {
        int c = g.c(), h = g.h(), w = g.w();
        if (CpuConvWinogradVector.L != 16 || c % 16 != 0 || h * w < 16) return null;
        int[] dst = new int[h * w];
        for (int iy = 0; iy < h; iy++) {
            for (int ix = 0; ix < w; ix++) dst[iy * w + ix] = ((iy + g.ph()) * wp + g.pw() + ix) * c;
        }
        return dst;
    }

    /**
     * One image of x ({@code x[xOff ..]}, [c, h, w]) as zero-padded [hp, wp, c]: pixel (r, col) of the padded plane,
     * its c channels side by side at {@code xp[(r * wp + col) * c]}. With dst ({@link #transposeTargets}) the
     * pixels are copied by {@link CpuConvWinogradVector#channelsLast}'s transposes, else one element at a time: the
     * same xp.
     */
    static void channelsLast(float[] x, int xOff, CpuConvWinograd.Geo g, int wp, float[] xp, int[] dst) {
        int c = g.c(), h = g.h(), w = g.w(), ph = g.ph(), pw = g.pw();
        Arrays.fill(xp, 0, ph * wp * c, 0f);
        Arrays.fill(xp, (ph + h) * wp * c, g.hp() * wp * c, 0f);
        for (int iy = 0; iy < h; iy++) {
            int row = (iy + ph) * wp * c;
            Arrays.fill(xp, row, row + pw * c, 0f);
            Arrays.fill(xp, row + (pw + w) * c, row + wp * c, 0f);
        }
        int hw = h * w;
        if (dst != null) {
            CpuConvWinogradVector.channelsLast(x, xOff, c, hw, xp, dst);
            return;
        }
        for (int iy = 0; iy < h; iy++) {
            for (int ix = 0; ix < w; ix++) {
                int src = xOff + iy * w + ix, to = ((iy + ph) * wp + pw + ix) * c;
                for (int ci = 0; ci < c; ci++) xp[to + ci] = x[src + ci * hw];
            }
        }
    }

    /**
     * The scalar twin of {@link CpuConvWinogradVector#channelTransform}: {@code (B^T d B)[e]} of every tile of one
     * image in [hp, wp, c] order, channel ci of tile t to {@code vt[((e * blocks + ci / nb) * tmax + t0 + t) * nb
     * + ci % nb]}: per transform element, blocks of nb channels of tiles side by side.
     */
    static void channelTransform(float[] xp, CpuConvWinograd.Geo g, int wp, float[] vt, int t0, int tmax, int nb) {
        int c = g.c(), blocks = c / nb, tw = g.tw();
        float[] p = new float[16], r = new float[16];
        for (int ty = 0; ty < g.th(); ty++) {
            for (int tx = 0; tx < tw; tx++) {
                int t = t0 + ty * tw + tx;
                for (int ci = 0; ci < c; ci++) {
                    for (int i = 0; i < 4; i++) {
                        for (int j = 0; j < 4; j++) p[i * 4 + j] = xp[((2 * ty + i) * wp + 2 * tx + j) * c + ci];
                        r[i * 4] = p[i * 4] - p[i * 4 + 2];
                        r[i * 4 + 1] = p[i * 4 + 1] + p[i * 4 + 2];
                        r[i * 4 + 2] = p[i * 4 + 2] - p[i * 4 + 1];
                        r[i * 4 + 3] = p[i * 4 + 1] - p[i * 4 + 3];
                    }
                    int at = ((ci / nb) * tmax + t) * nb + ci % nb, es = blocks * tmax * nb;
                    for (int nu = 0; nu < 4; nu++) {
                        float d0 = r[nu], d1 = r[4 + nu], d2 = r[8 + nu], d3 = r[12 + nu];
                        vt[at + nu * es] = d0 - d2;
                        vt[at + (4 + nu) * es] = d1 + d2;
                        vt[at + (8 + nu) * es] = d2 - d1;
                        vt[at + (12 + nu) * es] = d1 - d3;
                    }
                }
            }
        }
    }

    /**
     * The scalar twin of {@link CpuConvWinogradVector#gradTransform}: {@code (A d A^T)[e]} of the 2x2 tiles of one dy
     * plane (split into even/odd columns by {@link CpuConvWinograd.Geo#build}), to {@code d[e * es + dOff + ty * tw + tx]}.
     */
    static void gradTransform(float[] eo, CpuConvWinograd.Geo g, float[] d, int dOff, int es) {
        int tw = g.tw(), s = g.es(), odd = g.odd();
        float[] r = new float[8];
        for (int ty = 0; ty < g.th(); ty++) {
            for (int tx = 0; tx < tw; tx++) {
                for (int a = 0; a < 2; a++) {
                    int at = (2 * ty + a) * s + tx;
                    float e0 = eo[at], o0 = eo[odd + at];
                    r[a * 4] = e0;
                    r[a * 4 + 1] = e0 + o0;
                    r[a * 4 + 2] = e0 - o0;
                    r[a * 4 + 3] = -o0;
                }
                int at = dOff + ty * tw + tx;
                for (int nu = 0; nu < 4; nu++) {
                    float r0 = r[nu], r1 = r[4 + nu];
                    d[at + nu * es] = r0;
                    d[at + (4 + nu) * es] = r0 + r1;
                    d[at + (8 + nu) * es] = r0 - r1;
                    d[at + (12 + nu) * es] = -r1;
                }
            }
        }
    }
}

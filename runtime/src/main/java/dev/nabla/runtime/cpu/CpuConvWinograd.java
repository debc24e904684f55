package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Conv2dSpec;

/**
 * float32 3x3 stride-1 conv2d as Winograd F(2x2, 3x3): each 2x2 block ("tile") of outputs of a channel comes
 * from the 4x4 input patch under it as {@code A^T [ sum_c (G g_c G^T) .* (B^T d_c B) ] A}, so the products are
 * 16 per tile and input channel instead of 36: 2.25 times fewer multiply-adds than the direct conv. (Lavin
 * and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016.) The transforms' entries are 0, +-1
 * and 1/2, so the rounding stays close to the direct conv's.
 *
 * <p>Per chunk of up to {@link #CHUNK} images (T tiles in all; fewer images when one's transform is large), on one
 * thread:
 * <ol>
 *   <li>input transform: {@code V[xi, nu][c][t] = (B^T d B)[xi][nu]} for every input channel and tile, from the
 *       image's rows split into even and odd columns ({@link Geo#build}), so the transform runs on unit-stride
 *       vectors over tiles;</li>
 *   <li>16 products {@code M[xi, nu] = U[xi, nu] [cOut, cIn] x V[xi, nu] [cIn, T]} with 8-channel x 2-vector
 *       register tiles ({@link CpuConvWinogradVector#product8x2}), U the weights
 *       transformed once per call (in double, rounded once);</li>
 *   <li>output transform: {@code y = A^T M A + bias} per tile, written to the tile's 2x2 outputs.</li>
 * </ol>
 * Steps 2 and 3 run for eight output channels at a time, so that their M is still in cache for step 3.
 *
 * <p>The input gradient is the same conv of the output gradient with the weights transposed and flipped (padding
 * {@code 2 - pad}); the weight gradient is {@link CpuConvWinogradWeight}. Chunks are split across threads; each
 * output is computed by one thread in a fixed order, so results do not depend on the number of threads. The
 * loops of steps 1 and 3 are in {@link CpuConvWinogradVector} with the Vector API; the scalar twins here compute
 * the same operations in the same order, bit for bit.
 */
final class CpuConvWinograd {
    /** Images per chunk at most: enough tiles for wide products, few enough that V and M stay near the cache. */
    static final int CHUNK = 4;
    /** Transformed floats (16 x channels x tiles) a chunk aims for, and the most one image may have. */
    private static final long CHUNK_FLOATS = 1 << 20, IMAGE_FLOATS = 1 << 21;
    /** Smallest input-channel count that takes this path (fewer: the transforms outweigh the savings). */
    static final int MIN_CHANNELS = 16;
    static final int MR = 8;

    /** Per-thread scratch: [0] V, [1] M, [2] even/odd columns of one channel. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][]);

    private CpuConvWinograd() {}

    private static float[] scratch(int slot, long size) {
        float[][] s = SCRATCH.get();
        if (s[slot] == null || s[slot].length < size) s[slot] = new float[(int) size];
        return s[slot];
    }

    /**
     * Sizes of one image's tiling: c channels of h x w padded by (ph, pw) to an oh x ow output, th x tw tiles.
     * A channel's hp = 2 th + 2 padded rows are split into even and odd columns: row r's even ones at
     * {@code r * es}, its odd ones at {@code odd + r * es}. compact: a padded row fits one vector, whose lanes
     * hold the row's even columns then its odd ones (es = the vector length, odd = half of it).
     */
    record Geo(int c, int h, int w, int ph, int pw, int oh, int ow, int th, int tw, int hp, int es, int odd,
               boolean compact, int tiles) {
        static Geo of(int c, int h, int w, int ph, int pw) {
            int oh = h + 2 * ph - 2, ow = w + 2 * pw - 2, th = (oh + 1) / 2, tw = (ow + 1) / 2, hp = 2 * th + 2;
            int l = CpuConvImplicit.lanes(), es = Math.max(tw, l) + 1;
            boolean compact = 2 * (tw + 1) <= l;
            return new Geo(c, h, w, ph, pw, oh, ow, th, tw, hp, compact ? l : es, compact ? l / 2 : hp * es, compact, th * tw);
        }

        /** The 2x2 tiles of c planes of h x w themselves (oh = h, ow = w, no padding): the weight gradient's dy. */
        static Geo tiles(int c, int h, int w) {
            int th = (h + 1) / 2, tw = (w + 1) / 2, hp = 2 * th + 2, l = CpuConvImplicit.lanes(), es = Math.max(tw, l) + 1;
            boolean compact = 2 * (tw + 1) <= l;
            return new Geo(c, h, w, 0, 0, h, w, th, tw, hp, compact ? l : es, compact ? l / 2 : hp * es, compact, th * tw);
        }

        static Geo forward(Conv2dSpec s) { return of(s.cIn(), s.h(), s.w(), s.padH(), s.padW()); }

        static Geo input(Conv2dSpec s) { return of(s.cOut(), s.outH(), s.outW(), 2 - s.padH(), 2 - s.padW()); }

        /**
         * Splits channel plane {@code x[xOff ..]} ([h, w]) into {@code eo}: row r of the padded plane (input row
         * r - ph, zero outside) at {@code eo[r * es ..]} holds its even columns (padded column 2i), and at
         * {@code eo[odd + r * es ..]} its odd ones (2i + 1), i <= tw.
         */
        void build(float[] x, int xOff, float[] eo) {
            for (int r = 0; r < hp; r++) row(x, xOff, r, eo);
        }

        /** Row r of {@link #build}. */
        void row(float[] x, int xOff, int r, float[] eo) {
            int n = tw + 1; // the columns the tiles read; the rest of each row of es is never used for a real tile
            {
                int e = r * es, o = odd + r * es, iy = r - ph;
                if (iy < 0 || iy >= h) {
                    for (int i = 0; i < n; i++) {
                        eo[e + i] = 0f;
                        eo[o + i] = 0f;
                    }
                    return;
                }
                int row = xOff + iy * w - pw, i = 0;
                for (; i < n && 2 * i < pw; i++) { // left padding: the even column is outside
                    int co = 2 * i + 1 - pw;
                    eo[e + i] = 0f;
                    eo[o + i] = co >= 0 && co < w ? x[row + 2 * i + 1] : 0f;
                }
                for (; i < n && 2 * i + 1 - pw < w; i++) { // both columns inside
                    eo[e + i] = x[row + 2 * i];
                    eo[o + i] = x[row + 2 * i + 1];
                }
                for (; i < n; i++) { // right padding: the odd column is outside
                    int ce = 2 * i - pw;
                    eo[e + i] = ce < w ? x[row + 2 * i] : 0f;
                    eo[o + i] = 0f;
                }
            }
        }
    }

    /** Whether the forward of s takes this path (the input gradient also needs {@link #appliesInput}). */
    static boolean appliesForward(Conv2dSpec s) {
        return plain(s) && s.padH() <= 2 && s.padW() <= 2 && fits(s.cIn(), s.cOut(), Geo.forward(s));
    }

    static boolean appliesInput(Conv2dSpec s) {
        return plain(s) && s.padH() <= 2 && s.padW() <= 2 && fits(s.cOut(), s.cIn(), Geo.input(s));
    }

    private static boolean plain(Conv2dSpec s) {
        return CpuGemm.VECTOR && s.groups() == 1 && s.kh() == 3 && s.kw() == 3 && s.strideH() == 1 && s.strideW() == 1
                && s.dilationH() == 1 && s.dilationW() == 1;
    }

    /**
     * Enough channels to pay for the transforms, whole 8-channel output blocks, tiles for a 2-vector product, and
     * an image's transforms small enough for the cache-sized scratch (larger images take the implicit conv).
     */
    private static boolean fits(int cIn, int cOut, Geo g) {
        return cIn >= MIN_CHANNELS && cOut % MR == 0 && g.oh() >= 1 && g.ow() >= 1
                && (long) g.tiles() >= 2L * CpuConvImplicitVector.L && 16L * g.tiles() * Math.max(cIn, cOut) <= IMAGE_FLOATS;
    }

    /** Images per chunk for transforms of 16 x channels x tiles floats each: 1 to max, by size only. */
    static int chunkImages(int channels, int tiles, int max) {
        return (int) Math.max(1, Math.min(max, CHUNK_FLOATS / (16L * channels * tiles)));
    }

    static void forward(float[] x, float[] w, float[] bias, float[] y, Conv2dSpec s) {
        run(x, w, bias, y, s.n(), s.cOut(), Geo.forward(s), CpuConvImplicit.Sources.forward(s), true);
    }

    static void backwardInput(float[] dy, float[] w, float[] dx, Conv2dSpec s) {
        run(dy, CpuConvImplicit.flipped(w, s), null, dx, s.n(), s.cIn(), Geo.input(s), CpuConvImplicit.Sources.input(s), true);
    }

    /**
     * y [n, cOut, oh, ow] = the conv of src [n, g.c, g.h, g.w] with w [cOut, g.c, 3, 3] (correlation, as
     * conv2d), plus bias. vector: the Vector API transforms, else the scalar twins.
     *
     * <p>A transform mixes the 16 inputs of a patch, so one infinite or NaN input would spread to every output
     * of its tiles, where the direct conv limits it to the outputs that see it: chunks with a non-finite input,
     * and calls with a non-finite weight, take the implicit conv ({@code direct}, the same conv's sources).
     */
    static void run(float[] src, float[] w, float[] bias, float[] y, int n, int cOut, Geo g,
                    CpuConvImplicit.Sources direct, boolean vector) {
        int c = g.c(), tiles = g.tiles(), chunk = chunkImages(Math.max(c, cOut), tiles, CHUNK);
        int ld = chunk * tiles + CpuConvImplicit.lanes();
        if (!finite(w, 0, w.length, false)) {
            CpuConvImplicit.run(src, w, bias, y, 0, n, cOut, direct, vector);
            return;
        }
        float[] u = transformWeights(w, cOut, c);
        int chunks = (n + chunk - 1) / chunk, imgIn = c * g.h() * g.w(), imgOut = cOut * g.oh() * g.ow();
        CpuThreads.parallelFor(chunks, 1, (from, to) -> {
            float[] v = scratch(0, 16L * c * ld), m = scratch(1, 16L * MR * ld), eo = scratch(2, 2L * g.hp() * g.es());
            float[] tmp = new float[4 * CpuConvImplicit.lanes()];
            for (int ch = from; ch < to; ch++) {
                int img0 = ch * chunk, nb = Math.min(chunk, n - img0), t = nb * tiles;
                if (!finite(src, img0 * imgIn, (img0 + nb) * imgIn, vector)) {
                    CpuConvImplicit.run(src, w, bias, y, img0, img0 + nb, cOut, direct, vector);
                    continue;
                }
                for (int i = 0; i < nb; i++) {
                    for (int ci = 0; ci < c; ci++) {
                        int xOff = (img0 + i) * imgIn + ci * g.h() * g.w();
                        if (vector) {
                            CpuConvWinogradVector.build(src, xOff, g, eo);
                            CpuConvWinogradVector.inputTransform(eo, g, v, ci * ld + i * tiles, c * ld);
                        } else {
                            g.build(src, xOff, eo);
                            inputTransform(eo, g, v, ci * ld + i * tiles, c * ld);
                        }
                    }
                }
                // Eight output channels at a time, so that their M (16 x 8 rows) is still in cache for the output
                // transform; V stays in cache across the blocks.
                for (int co8 = 0; co8 < cOut; co8 += MR) {
                    for (int e = 0; e < 16; e++) {
                        int uOff = (e * cOut + co8) * c, mOff = e * MR * ld;
                        if (vector) products(v, e * c * ld, c, u, uOff, m, mOff, ld, t);
                        else productsScalar(v, e * c * ld, c, u, uOff, m, mOff, ld, t);
                    }
                    for (int i = 0; i < nb; i++) {
                        for (int j = 0; j < MR; j++) {
                            int co = co8 + j;
                            float b = bias == null ? 0f : bias[co];
                            int yOff = (img0 + i) * imgOut + co * g.oh() * g.ow();
                            if (vector) CpuConvWinogradVector.outputTransform(m, j * ld + i * tiles, MR * ld, g, b, y, yOff, tmp);
                            else outputTransform(m, j * ld + i * tiles, MR * ld, g, b, y, yOff);
                        }
                    }
                }
            }
        });
    }

    /** Whether a[from, to) holds only finite values: x - x is 0 for those and NaN for infinities and NaN. */
    static boolean finite(float[] a, int from, int to, boolean vector) {
        if (vector) return CpuConvWinogradVector.finite(a, from, to);
        float z = 0f;
        for (int i = from; i < to; i++) z += a[i] - a[i];
        return z == 0f;
    }

    /**
     * {@code U[xi, nu][co][c] = (G g G^T)[xi][nu]} for every (co, c) of w [cOut, c, 3, 3], computed in double
     * and rounded once; stored for the 8-channel tiles: {@code u[((xi * 4 + nu) * cOut + co8) * c + ci * 8 + j]}
     * for output channel co8 + j (co8 a multiple of 8).
     */
    static float[] transformWeights(float[] w, int cOut, int c) {
        float[] u = new float[16 * cOut * c];
        int stride = cOut * c;
        // Blocks of eight output channels split across threads once there are enough of them: each (co, c)
        // pair is a few dozen flops, and the whole transform runs before the chunks start.
        CpuThreads.parallelFor(cOut / MR, Math.max(1, WEIGHT_GRAIN / (MR * c)), (b0, b1) -> {
            // The eight channels of a block write side by side: the 16 elements of a pair are stride apart (a
            // multiple of 4 KB here, so all in one cache set), and channel by channel each line was written once.
            for (int co8 = b0 * MR; co8 < b1 * MR; co8 += MR) {
                for (int ci = 0; ci < c; ci++) {
                    for (int j = 0; j < MR; j++) transformWeight(w, ((co8 + j) * c + ci) * 9, u, co8 * c + ci * MR + j, stride);
                }
            }
        });
        return u;
    }

    /** (co, c) pairs of weights a thread transforms at least. */
    private static final int WEIGHT_GRAIN = 1024;

    /**
     * {@code G g G^T} of the 3x3 weights at {@code w[src ..]} (rows then columns) in double, element e = xi * 4 + nu
     * rounded once to {@code u[at + e * stride]}.
     */
    private static void transformWeight(float[] w, int src, float[] u, int at, int stride) {
        // G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2 of each column kj
        double a0 = w[src], a1 = w[src + 1], a2 = w[src + 2];
        double b0 = w[src + 3], b1 = w[src + 4], b2 = w[src + 5];
        double c0 = w[src + 6], c1 = w[src + 7], c2 = w[src + 8];
        transformRow(u, at, stride, a0, a1, a2);
        transformRow(u, at + 4 * stride, stride, (a0 + b0 + c0) * 0.5, (a1 + b1 + c1) * 0.5, (a2 + b2 + c2) * 0.5);
        transformRow(u, at + 8 * stride, stride, (a0 - b0 + c0) * 0.5, (a1 - b1 + c1) * 0.5, (a2 - b2 + c2) * 0.5);
        transformRow(u, at + 12 * stride, stride, c0, c1, c2);
    }

    /** One row (h0, h1, h2) of G g times G^T: h0, (h0 + h1 + h2) / 2, (h0 - h1 + h2) / 2, h2. */
    private static void transformRow(float[] u, int at, int stride, double h0, double h1, double h2) {
        u[at] = (float) h0;
        u[at + stride] = (float) ((h0 + h1 + h2) * 0.5);
        u[at + 2 * stride] = (float) ((h0 - h1 + h2) * 0.5);
        u[at + 3 * stride] = (float) h2;
    }

    /**
     * m rows 0..7 (ld apart, from mOff) over t columns: M = U x V with V's c rows ld apart from vOff, in tiles of
     * 2L columns, the last one shifted back to end at t (t >= 2L), even where one vector would do: one kernel.
     */
    private static void products(float[] v, int vOff, int c, float[] u, int uOff, float[] m, int mOff, int ld, int t) {
        int l2 = 2 * CpuConvWinogradVector.L, q = 0;
        for (; q + l2 <= t; q += l2) CpuConvWinogradVector.product8x2(v, vOff, c, u, uOff, m, mOff, ld, q);
        if (q < t) CpuConvWinogradVector.product8x2(v, vOff, c, u, uOff, m, mOff, ld, t - l2);
    }

    /** The scalar twin of {@link #products}: per element, the same chain of fused multiply-adds over c. */
    static void productsScalar(float[] v, int vOff, int c, float[] u, int uOff, float[] m, int mOff, int ld, int t) {
        for (int j = 0; j < MR; j++) {
            int o = mOff + j * ld;
            for (int q = 0; q < t; q++) {
                float a = 0f;
                for (int ci = 0; ci < c; ci++) a = Math.fma(v[vOff + ci * ld + q], u[uOff + ci * MR + j], a);
                m[o + q] = a;
            }
        }
    }

    /**
     * The scalar twin of {@link CpuConvWinogradVector#inputTransform}: {@code v[e * es + vOff + ty * tw + tx] =
     * (B^T d B)[e]} for the tiles of one channel, e = xi * 4 + nu, es the stride between the 16 blocks.
     */
    static void inputTransform(float[] eo, Geo g, float[] v, int vOff, int es) {
        int tw = g.tw(), s = g.es(), odd = g.odd();
        float[] r = new float[16];
        for (int ty = 0; ty < g.th(); ty++) {
            for (int tx = 0; tx < tw; tx++) {
                for (int i = 0; i < 4; i++) {
                    int e = (2 * ty + i) * s + tx, o = odd + e;
                    float e0 = eo[e], e1 = eo[e + 1], o0 = eo[o], o1 = eo[o + 1];
                    r[i * 4] = e0 - e1;
                    r[i * 4 + 1] = o0 + e1;
                    r[i * 4 + 2] = e1 - o0;
                    r[i * 4 + 3] = o0 - o1;
                }
                int at = vOff + ty * tw + tx;
                for (int nu = 0; nu < 4; nu++) {
                    float d0 = r[nu], d1 = r[4 + nu], d2 = r[8 + nu], d3 = r[12 + nu];
                    v[at + nu * es] = d0 - d2;
                    v[at + (4 + nu) * es] = d1 + d2;
                    v[at + (8 + nu) * es] = d2 - d1;
                    v[at + (12 + nu) * es] = d1 - d3;
                }
            }
        }
    }

    /**
     * The scalar twin of {@link CpuConvWinogradVector#outputTransform}: the 2x2 outputs {@code A^T M A + b} of
     * one image's tiles of one channel, M element e of tile t at {@code m[e * es + mOff + t]}.
     */
    static void outputTransform(float[] m, int mOff, int es, Geo g, float b, float[] y, int yOff) {
        int tw = g.tw(), oh = g.oh(), ow = g.ow();
        float[] s = new float[8];
        for (int ty = 0; ty < g.th(); ty++) {
            for (int tx = 0; tx < tw; tx++) {
                int at = mOff + ty * tw + tx;
                for (int nu = 0; nu < 4; nu++) {
                    float m0 = m[at + nu * es], m1 = m[at + (4 + nu) * es], m2 = m[at + (8 + nu) * es], m3 = m[at + (12 + nu) * es];
                    s[nu] = (m0 + m1) + m2;
                    s[4 + nu] = (m1 - m2) - m3;
                }
                for (int a = 0; a < 2; a++) {
                    int oy = 2 * ty + a;
                    if (oy >= oh) break;
                    float y0 = ((s[4 * a] + s[4 * a + 1]) + s[4 * a + 2]) + b;
                    float y1 = ((s[4 * a + 1] - s[4 * a + 2]) - s[4 * a + 3]) + b;
                    int o = yOff + oy * ow + 2 * tx;
                    y[o] = y0;
                    if (2 * tx + 1 < ow) y[o + 1] = y1;
                }
            }
        }
    }
}

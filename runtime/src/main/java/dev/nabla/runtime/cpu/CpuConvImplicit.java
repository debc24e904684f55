package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Conv2dSpec;

import java.util.Arrays;

/**
 * float32 conv2d at stride 1 with one group as an implicit GEMM: no column matrix is built, and the outputs are
 * written in place.
 *
 * <p>Each image's channels are copied once into {@code kw} "tap sources", one per kernel column kj: source kj
 * of channel c is the zero-padded plane {@code [hp = h + 2 padH rows, outW columns]} with
 * {@code src[r][ox] = x[c][r - padH][ox + kj * dilW - padW]} (0 outside the image). Row {@code kk = (c, ki, kj)}
 * of the [K, P] column matrix ({@code P = outH * outW}) is then the contiguous run of P elements at
 * {@code off[kk] = (kj * cIn + c) * hp * outW + ki * dilH * outW}: the tap's row shift is an offset, its column
 * shift is the choice of source, and since the sources are exactly outW wide no output column is wasted.
 *
 * <ul>
 *   <li>forward {@code y[co][q] = bias + sum_kk w[co][kk] * row_kk[q]}: register tiles of 8 output channels x 2
 *       vectors of pixels (broadcast weights, fused multiply-adds in kk order) stored straight into y; the last
 *       columns of a plane are covered by a tile shifted back to end at P, which recomputes a few outputs to the
 *       same values. Split across threads by image.</li>
 *   <li>backward-input: the forward of the output gradient with the weights transposed and flipped
 *       ({@code w'[c][co][ki][kj] = w[co][c][kh-1-ki][kw-1-kj]}, padding {@code dil * (k - 1) - pad}).</li>
 *   <li>backward-weight {@code dW[co][kk] = sum_(n, q) dy[n][co][q] * row_kk[q]}, one of two ways. Generally
 *       ("rows"): each image's output gradient is transposed to [P, 2 vectors of channels], and tiles of 8 rows
 *       kk x 2 vectors of channels accumulate over q with broadcast source elements (any P; the transpose is
 *       small next to K). For a short reduction ({@code K <=} {@link #LANES_MAX_K}) with P a multiple of the
 *       vector length ("lanes"), that transpose would cost more than the products, so tiles of 4 channels x 4
 *       rows accumulate lane-wise over q, reading dy in place. Both sum blocks of images in float and add the
 *       blocks into double totals in image order. Work is split across threads by output channel (and by rows
 *       kk), never by image, so every element is summed in the same order whatever the number of threads.</li>
 * </ul>
 * Tiles are in {@link CpuConvImplicitVector} when the Vector API is present, else the scalar loops here, which
 * compute the same chains of fused multiply-adds. float64 stays on the im2col path.
 */
final class CpuConvImplicit {
    /** Largest tap-source buffer of one image (floats) this path takes; larger images go to im2col. */
    static final long MAX_SOURCE = 1 << 22;
    /** Longest reduction that takes the lane-wise weight gradient (when P is a multiple of the vector length). */
    static final int LANES_MAX_K = 27;
    /**
     * Images whose weight-gradient sums stay in float before they are added to the double totals (fewer when an
     * image's sources are large, so the block's scratch stays near 4 MB).
     */
    static final int ROWS_BLOCK = 4;
    static final int LANES_BLOCK = 8;
    /** Pixels per pass of the lane-wise tiles (a multiple of every vector length), so their rows stay in cache. */
    private static final int LANES_CHUNK = 4096;
    /** Output channels of a forward tile and rows of a weight tile. */
    private static final int MR = 8;

    /** Per-thread scratch: [0] tap sources, [1] transposed output gradients. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][]);

    private CpuConvImplicit() {}

    /** Floats per vector of the tiles (the scalar twins use the same blocking). */
    static int lanes() { return CpuGemm.VECTOR ? CpuConvImplicitVector.L : 8; }

    /** Output channels per weight-gradient tile in the rows variant: two vectors. */
    static int channelBlock() { return 2 * lanes(); }

    private static float[] scratch(int slot, long size) {
        float[][] s = SCRATCH.get();
        if (s[slot] == null || s[slot].length < size) s[slot] = new float[(int) size];
        return s[slot];
    }

    /**
     * The tap sources of one image of a stride-1 conv over c channels of h x w, and the offsets of the rows of
     * the implicit column matrix into them.
     */
    record Sources(int c, int h, int w, int kh, int kw, int ph, int pw, int dh, int dw, int hp, int ow, int plane,
                   int size, int k, int p, int[] off) {
        static Sources of(int c, int h, int w, int kh, int kw, int ph, int pw, int dh, int dw) {
            int hp = h + 2 * ph, ow = w + 2 * pw - dw * (kw - 1), oh = hp - dh * (kh - 1), plane = hp * ow;
            int k = c * kh * kw;
            int[] off = new int[k];
            for (int ci = 0, t = 0; ci < c; ci++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++) off[t++] = (kj * c + ci) * plane + ki * dh * ow;
                }
            }
            return new Sources(c, h, w, kh, kw, ph, pw, dh, dw, hp, ow, plane, kw * c * plane, k, oh * ow, off);
        }

        /** The forward's (and weight gradient's) sources: the input's channels. */
        static Sources forward(Conv2dSpec s) {
            return of(s.cIn(), s.h(), s.w(), s.kh(), s.kw(), s.padH(), s.padW(), s.dilationH(), s.dilationW());
        }

        /** The input gradient's sources: the output gradient's channels, padded by dil * (k - 1) - pad. */
        static Sources input(Conv2dSpec s) {
            return of(s.cOut(), s.outH(), s.outW(), s.kh(), s.kw(), s.dilationH() * (s.kh() - 1) - s.padH(),
                    s.dilationW() * (s.kw() - 1) - s.padW(), s.dilationH(), s.dilationW());
        }

        /** Writes the sources of the image at {@code x[xOff..]} ([c, h, w]) to {@code s[sOff..]}. */
        void build(float[] x, int xOff, float[] s, int sOff) {
            int hw = h * w, top = ph * ow, body = h * ow;
            for (int kj = 0; kj < kw; kj++) {
                int shift = kj * dw - pw; // source column ox reads input column ox + shift
                int lo = Math.min(ow, Math.max(0, -shift)), hi = Math.max(lo, Math.min(ow, w - shift));
                for (int ci = 0; ci < c; ci++) {
                    int base = sOff + (kj * c + ci) * plane, src = xOff + ci * hw;
                    Arrays.fill(s, base, base + top, 0f);
                    Arrays.fill(s, base + top + body, base + plane, 0f);
                    int rows = base + top;
                    if (ow == w) {
                        // Same width: the image rows are one shifted run; then clear the columns that wrapped.
                        int from = Math.max(0, -shift), to = Math.min(hw, hw - shift);
                        Arrays.fill(s, rows, rows + Math.min(hw, from), 0f);
                        if (to > from) System.arraycopy(x, src + from + shift, s, rows + from, to - from);
                        Arrays.fill(s, rows + Math.min(hw, Math.max(from, to)), rows + hw, 0f);
                        if (lo > 0 || hi < ow) {
                            for (int r = rows, end = rows + body; r < end; r += ow) {
                                for (int o = 0; o < lo; o++) s[r + o] = 0f;
                                for (int o = hi; o < ow; o++) s[r + o] = 0f;
                            }
                        }
                    } else {
                        for (int iy = 0; iy < h; iy++) {
                            int r = rows + iy * ow;
                            Arrays.fill(s, r, r + lo, 0f);
                            System.arraycopy(x, src + iy * w + lo + shift, s, r + lo, hi - lo);
                            Arrays.fill(s, r + hi, r + ow, 0f);
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- which convolutions take this path

    /** Whether the forward (and the weight gradient) apply to s. */
    static boolean appliesForward(Conv2dSpec s) {
        return plain(s) && fits(s.cIn(), s.h(), s.w(), s.kw(), s.padH(), s.padW(), s.dilationW(), s.outH() * (long) s.outW());
    }

    /** Whether the input gradient applies to s: also needs the transposed conv's padding to be >= 0. */
    static boolean appliesInput(Conv2dSpec s) {
        int ph = s.dilationH() * (s.kh() - 1) - s.padH(), pw = s.dilationW() * (s.kw() - 1) - s.padW();
        return plain(s) && ph >= 0 && pw >= 0
                && fits(s.cOut(), s.outH(), s.outW(), s.kw(), ph, pw, s.dilationW(), s.h() * (long) s.w());
    }

    private static boolean plain(Conv2dSpec s) {
        return s.groups() == 1 && s.strideH() == 1 && s.strideW() == 1;
    }

    private static boolean fits(int c, int h, int w, int kw, int ph, int pw, int dw, long p) {
        long size = (long) kw * c * (h + 2L * ph) * (w + 2L * pw - (long) dw * (kw - 1));
        return p >= lanes() && size <= MAX_SOURCE && (long) c * (h + 2L * ph) * (w + 2L * pw) < Integer.MAX_VALUE / 4;
    }

    /** Whether the weight gradient of s sums lane-wise (short reduction, P a multiple of the vector length). */
    static boolean lanesWeight(Conv2dSpec s) {
        return CpuGemm.VECTOR && s.cIn() * s.kh() * s.kw() <= LANES_MAX_K && s.outH() * s.outW() % lanes() == 0;
    }

    // ---------------------------------------------------------------- passes

    static void forward(float[] x, float[] w, float[] bias, float[] y, Conv2dSpec s) {
        run(x, w, bias, y, 0, s.n(), s.cOut(), Sources.forward(s), CpuGemm.VECTOR);
    }

    static void backwardInput(float[] dy, float[] w, float[] dx, Conv2dSpec s) {
        run(dy, flipped(w, s), null, dx, 0, s.n(), s.cIn(), Sources.input(s), CpuGemm.VECTOR);
    }

    static void backwardWeight(float[] x, float[] dy, float[] dw, Conv2dSpec s) {
        if (lanesWeight(s)) weightLanes(x, dy, dw, null, s.n(), s.cOut(), Sources.forward(s));
        else weightRows(x, dy, dw, s.n(), s.cOut(), Sources.forward(s), CpuGemm.VECTOR);
    }

    /** w'[c][(co, ki, kj)] = w[co][c][kh-1-ki][kw-1-kj]: the input gradient's weights, [cIn, cOut * kh * kw]. */
    static float[] flipped(float[] w, Conv2dSpec s) {
        int cIn = s.cIn(), cOut = s.cOut(), kh = s.kh(), kw = s.kw(), k = cOut * kh * kw;
        float[] f = new float[cIn * k];
        for (int co = 0; co < cOut; co++) {
            for (int c = 0; c < cIn; c++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++) {
                        f[c * k + (co * kh + ki) * kw + kj] = w[((co * cIn + c) * kh + kh - 1 - ki) * kw + kw - 1 - kj];
                    }
                }
            }
        }
        return f;
    }

    /**
     * y [n, cOut, P] = w [cOut, K] x the implicit column matrix of each image of src ([n, g.c, g.h, g.w]), plus
     * bias, for images [img0, img1). Split by image; with fewer images than threads, also by blocks of output
     * channels.
     */
    static void run(float[] src, float[] w, float[] bias, float[] y, int img0, int img1, int cOut, Sources g, boolean vector) {
        int k = g.k(), p = g.p(), imgIn = g.c() * g.h() * g.w(), n = img1 - img0;
        float[] wp = vector ? interleave(w, cOut, k) : null;
        int units = ceilDiv(cOut, MR), threads = CpuThreads.threads();
        int parts = n >= threads ? 1 : Math.min(units, ceilDiv(threads, n));
        CpuThreads.parallelFor(n * parts, 1, (from, to) -> {
            float[] s = scratch(0, g.size());
            int built = -1;
            for (int it = from; it < to; it++) {
                int img = img0 + it / parts, part = it % parts;
                if (img != built) {
                    g.build(src, img * imgIn, s, 0);
                    built = img;
                }
                int co0 = MR * (int) ((long) units * part / parts), co1 = Math.min(cOut, MR * (int) ((long) units * (part + 1) / parts));
                int yOff = img * cOut * p;
                if (vector) forwardTiles(s, g.off(), k, wp, w, bias, y, yOff, p, co0, co1);
                else forwardScalar(s, g.off(), k, w, bias, y, yOff, p, co0, co1);
            }
        });
    }

    /** The weights of each full block of 8 output channels, interleaved: {@code wp[(co / 8) * K * 8 + kk * 8 + j]}. */
    private static float[] interleave(float[] w, int cOut, int k) {
        int blocks = cOut / MR;
        float[] wp = new float[blocks * k * MR];
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < MR; j++) {
                int src = (b * MR + j) * k, dst = b * k * MR + j;
                for (int kk = 0; kk < k; kk++) wp[dst + kk * MR] = w[src + kk];
            }
        }
        return wp;
    }

    private static void forwardTiles(float[] s, int[] off, int k, float[] wp, float[] w, float[] bias, float[] y,
                                     int yOff, int p, int co0, int co1) {
        int l = CpuConvImplicitVector.L, l2 = 2 * l;
        int co = co0;
        for (; co + MR <= co1; co += MR) {
            int wOff = co / MR * k * MR, o = yOff + co * p, q = 0;
            for (; q + l2 <= p; q += l2) CpuConvImplicitVector.forward8x2(s, off, k, wp, wOff, bias, co, y, o, p, q);
            if (q < p) {
                // The last columns: one tile shifted back to end at p (recomputing a few outputs to the same values).
                // The same 2-vector tile even when one vector would do, so that C2 has one kernel less to compile
                // before the first passes run at speed.
                if (p >= l2) {
                    CpuConvImplicitVector.forward8x2(s, off, k, wp, wOff, bias, co, y, o, p, p - l2);
                } else {
                    if (p - q > l) CpuConvImplicitVector.forward8x1(s, off, k, wp, wOff, bias, co, y, o, p, q);
                    CpuConvImplicitVector.forward8x1(s, off, k, wp, wOff, bias, co, y, o, p, p - l);
                }
            }
        }
        for (; co < co1; co++) {
            float b = bias == null ? 0f : bias[co];
            int o = yOff + co * p;
            for (int q = 0; ; q += l) {
                int c = Math.min(q, p - l);
                CpuConvImplicitVector.forward1x1(s, off, k, w, co * k, b, y, o, c);
                if (c == p - l) break;
            }
        }
    }

    /** The scalar twin of {@link #forwardTiles}: the same chain of fused multiply-adds for every output. */
    static void forwardScalar(float[] s, int[] off, int k, float[] w, float[] bias, float[] y, int yOff, int p,
                              int co0, int co1) {
        for (int co = co0; co < co1; co++) {
            float b = bias == null ? 0f : bias[co];
            int o = yOff + co * p, wOff = co * k;
            for (int q = 0; q < p; q++) {
                float a = b;
                for (int kk = 0; kk < k; kk++) a = Math.fma(s[off[kk] + q], w[wOff + kk], a);
                y[o + q] = a;
            }
        }
    }

    // ---------------------------------------------------------------- weight gradient

    /**
     * The "rows" weight gradient (see the class comment): work items are (block of output channels, range of
     * rows kk); each thread builds the sources of a block of {@link #ROWS_BLOCK} images once and runs its items
     * over them.
     */
    static void weightRows(float[] x, float[] dy, float[] dw, int n, int cOut, Sources g, boolean vector) {
        int k = g.k(), p = g.p(), nb = channelBlock(), imgIn = g.c() * g.h() * g.w(), size = g.size();
        int block = (int) Math.max(1, Math.min(ROWS_BLOCK, (1L << 20) / Math.max(size, (long) p * nb)));
        int coBlocks = ceilDiv(cOut, nb), kBlocks = ceilDiv(k, MR);
        int kParts = Math.min(kBlocks, Math.max(1, ceilDiv(CpuThreads.threads(), coBlocks)));
        double[] sum = new double[k * cOut]; // [kk][co]
        CpuThreads.parallelFor(coBlocks * kParts, 1, (from, to) -> {
            float[] src = scratch(0, (long) block * size);
            float[] dt = scratch(1, (long) block * p * nb);
            float[] t = new float[MR * nb];
            for (int img0 = 0; img0 < n; img0 += block) {
                int gn = Math.min(block, n - img0);
                for (int i = 0; i < gn; i++) g.build(x, (img0 + i) * imgIn, src, i * size);
                int transposed = -1;
                for (int it = from; it < to; it++) {
                    int cb = it / kParts, part = it % kParts;
                    int co0 = cb * nb, cw = Math.min(nb, cOut - co0);
                    if (cb != transposed) {
                        for (int i = 0; i < gn; i++) transpose(dy, ((img0 + i) * cOut + co0) * p, cw, p, dt, i * p * nb, nb);
                        transposed = cb;
                    }
                    int k0 = MR * (int) ((long) kBlocks * part / kParts);
                    int k1 = Math.min(k, MR * (int) ((long) kBlocks * (part + 1) / kParts));
                    for (int kk = k0; kk < k1; kk += MR) {
                        int rows = Math.min(MR, k1 - kk);
                        Arrays.fill(t, 0f);
                        for (int i = 0; i < gn; i++) {
                            if (vector) weightTile(src, g.off(), kk, rows, i * size, dt, i * p * nb, p, t, 0);
                            else weightTileScalar(src, g.off(), kk, rows, i * size, dt, i * p * nb, p, nb, t, 0);
                        }
                        for (int r = 0; r < rows; r++) {
                            int to0 = (kk + r) * cOut + co0;
                            for (int j = 0; j < cw; j++) sum[to0 + j] += t[r * nb + j];
                        }
                    }
                }
            }
        });
        for (int co = 0; co < cOut; co++) {
            for (int kk = 0; kk < k; kk++) dw[co * k + kk] = (float) sum[kk * cOut + co];
        }
    }

    /** {@code dt[dOff + q * nb + j] = dy[dyOff + j * p + q]} for j < cw (the rest of each row is left as is). */
    private static void transpose(float[] dy, int dyOff, int cw, int p, float[] dt, int dOff, int nb) {
        for (int j = 0; j < cw; j++) {
            int src = dyOff + j * p;
            for (int q = 0, d = dOff + j; q < p; q++, d += nb) dt[d] = dy[src + q];
        }
    }

    /**
     * {@code t[tOff + r * 2L + j] += sum_q s[sOff + off[kk + r] + q] * dt[dOff + q * 2L + j]} for r < rows (at most 8):
     * the eight-row tile, or one row at a time.
     */
    static void weightTile(float[] s, int[] off, int kk, int rows, int sOff, float[] dt, int dOff, int p, float[] t, int tOff) {
        if (rows == MR) {
            CpuConvImplicitVector.weight8x2(s, sOff + off[kk], sOff + off[kk + 1], sOff + off[kk + 2], sOff + off[kk + 3],
                    sOff + off[kk + 4], sOff + off[kk + 5], sOff + off[kk + 6], sOff + off[kk + 7], dt, dOff, p, t, tOff);
        } else {
            int nb = 2 * CpuConvImplicitVector.L;
            for (int r = 0; r < rows; r++) CpuConvImplicitVector.weight1x2(s, sOff + off[kk + r], dt, dOff, p, t, tOff + r * nb);
        }
    }

    /** The scalar twin of {@link #weightTile}: per element, the same chain of fused multiply-adds over q. */
    static void weightTileScalar(float[] s, int[] off, int kk, int rows, int sOff, float[] dt, int dOff, int p, int nb,
                                 float[] t, int tOff) {
        for (int r = 0; r < rows; r++) {
            int src = sOff + off[kk + r], to = tOff + r * nb;
            for (int q = 0; q < p; q++) {
                float a = s[src + q];
                int d = dOff + q * nb;
                for (int j = 0; j < nb; j++) t[to + j] = Math.fma(a, dt[d + j], t[to + j]);
            }
        }
    }

    /**
     * The "lanes" weight gradient (vector only; see the class comment): each thread owns a range of output
     * channels, builds every image's sources and keeps {@code lanes()} float partial sums per dW element, added
     * into double every {@link #LANES_BLOCK} images and summed lane by lane at the end. With db, the pass that
     * streams an image's dy rows into cache sums them too: {@code db[co]} is the sum over images, in image order,
     * of each row's {@link CpuReduceVector#sumRow}, in double.
     */
    static void weightLanes(float[] x, float[] dy, float[] dw, float[] db, int n, int cOut, Sources g) {
        int l = CpuConvImplicitVector.L, imgIn = g.c() * g.h() * g.w(), units = ceilDiv(cOut, 4), p = g.p();
        // Rows of the column matrix padded to a multiple of 4 with a row of zeros past the sources (their sums are
        // dropped), so that every tile is 4 x 4: one kernel for C2 to compile, and the pass is memory-bound anyway.
        int k = (g.k() + 3) / 4 * 4;
        int[] off = java.util.Arrays.copyOf(g.off(), k);
        for (int kk = g.k(); kk < k; kk++) off[kk] = g.size();
        CpuThreads.parallelFor(units, 1, (uf, ut) -> {
            int c0 = 4 * uf, c1 = Math.min(cOut, 4 * ut), ks = k * l;
            float[] s = scratch(0, g.size() + (long) p);
            Arrays.fill(s, g.size(), g.size() + p, 0f);
            float[] acc = new float[(c1 - c0) * ks];
            double[] tot = new double[acc.length], bias = new double[c1 - c0], lanes = new double[l];
            float touched = 0;
            for (int img = 0; img < n; img++) {
                g.build(x, img * imgIn, s, 0);
                int dBase = img * cOut * p;
                // The tiles read four channels' rows at a time, three times over: stream the image's rows of
                // this range into cache in one pass first (from memory, interleaved rows ran ~2x slower).
                if (db == null) {
                    touched += touch(dy, dBase + c0 * p, (c1 - c0) * p);
                } else { // the same pass, summing each row for the bias
                    for (int co = c0; co < c1; co++) bias[co - c0] += CpuReduceVector.sumRow(dy, dBase + co * p, p, lanes);
                }
                for (int q0 = 0; q0 < p; q0 += LANES_CHUNK) {
                    int len = Math.min(LANES_CHUNK, p - q0);
                    for (int kk = 0; kk < k; kk += 4) {
                        for (int co = c0; co < c1; co += 4) {
                            int d = dBase + co * p + q0, a = ((co - c0) * k + kk) * l;
                            if (co + 4 <= c1) {
                                CpuConvImplicitVector.lanes4x4(dy, d, d + p, d + 2 * p, d + 3 * p, s, off[kk] + q0,
                                        off[kk + 1] + q0, off[kk + 2] + q0, off[kk + 3] + q0, len, acc, a, ks);
                            } else {
                                for (int i = 0; co + i < c1; i++) {
                                    for (int r = 0; r < 4; r++) {
                                        CpuConvImplicitVector.lanes1x1(dy, d + i * p, s, off[kk + r] + q0, len, acc, a + i * ks + r * l);
                                    }
                                }
                            }
                        }
                    }
                }
                if ((img + 1) % LANES_BLOCK == 0 || img == n - 1) {
                    for (int i = 0; i < acc.length; i++) tot[i] += acc[i];
                    Arrays.fill(acc, 0f);
                }
            }
            sink = touched;
            if (db != null) for (int co = c0; co < c1; co++) db[co] = (float) bias[co - c0];
            for (int co = c0; co < c1; co++) {
                for (int kk = 0; kk < g.k(); kk++) {
                    int a = ((co - c0) * k + kk) * l;
                    double v = 0;
                    for (int i = 0; i < l; i++) v += tot[a + i];
                    dw[co * g.k() + kk] = (float) v;
                }
            }
        });
    }

    static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    /** Where {@link #touch}'s sums go, so that the reads are not optimised away. */
    static volatile float sink;

    /** Reads one element per 64-byte line of a[from .. from + n), in order, so the lines stream into cache. */
    static float touch(float[] a, int from, int n) {
        float t = 0;
        for (int i = from, end = from + n; i < end; i += 16) t += a[i];
        return t;
    }
}

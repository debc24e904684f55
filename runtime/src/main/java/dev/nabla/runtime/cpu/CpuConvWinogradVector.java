package dev.nabla.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The input and output transforms of {@link CpuConvWinograd} on the {@code jdk.incubator.vector} API, a vector of
 * L tiles of a tile row at a time (a row narrower than L computes lanes past its end, which the next row's stores
 * overwrite; a wider one ends with a vector shifted back, recomputing a few tiles to the same values). Every lane
 * does the scalar twin's operations in the same order. Like {@link CpuGemmVectorF}, only loaded when
 * {@link CpuGemm#VECTOR} is set.
 *
 * <p>Only the preferred species is used, as in every other CPU kernel, though the CNN's 7-tile rows fill less than
 * half of a 16-float vector: with a second float shape in the JVM, C2 at random fails to intrinsify vector calls
 * (here: the products' stores), which then box every vector and run ~8x slower.
 */
final class CpuConvWinogradVector {
    private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    /** Tiles per vector. */
    static final int L = SF.length();
    private static final int H = L / 2;
    /**
     * Interleaving the first (second) halves of two vectors a, b into {@code a0 b0 a1 b1 ...}: both are spread
     * by the same one-vector shuffle and blended on the odd lanes. (The two-vector {@code rearrange} does the same
     * but rebuilds its shuffle on every call, which C2 does not remove.)
     */
    private static final VectorShuffle<Float> SPREAD_LO = spread(0), SPREAD_HI = spread(H);
    private static final VectorMask<Float> ODD = VectorMask.fromLong(SF, 0xAAAAAAAAAAAAAAAAL);

    private CpuConvWinogradVector() {}

    private static VectorShuffle<Float> spread(int from) {
        int[] idx = new int[L];
        for (int k = 0; k < L; k++) idx[k] = from + k / 2;
        return VectorShuffle.fromArray(SF, idx, 0);
    }

    /** Lane k takes lane 2k of a vector in its first half, lane 2(k - L/2) + 1 in its second. */
    private static final VectorShuffle<Float> DEINTERLEAVE = deinterleave();

    private static VectorShuffle<Float> deinterleave() {
        int[] idx = new int[L];
        for (int k = 0; k < L; k++) idx[k] = k < H ? 2 * k : 2 * (k - H) + 1;
        return VectorShuffle.fromArray(SF, idx, 0);
    }

    /**
     * {@link CpuConvWinograd.Geo#build}: for a compact layout, each padded row is one load (masked to the real
     * columns) and one shuffle into even then odd columns; rows whose load would leave the array, and other
     * layouts, element by element.
     */
    static void build(float[] x, int xOff, CpuConvWinograd.Geo g, float[] eo) {
        if (!g.compact()) {
            if (g.tw() < L) buildTwo(x, xOff, g, eo);
            else g.build(x, xOff, eo);
            return;
        }
        VectorMask<Float> real = SF.indexInRange(-g.pw(), g.w());
        FloatVector zero = FloatVector.zero(SF);
        for (int r = 0; r < g.hp(); r++) {
            int iy = r - g.ph(), src = xOff + iy * g.w() - g.pw();
            if (iy < 0 || iy >= g.h()) zero.intoArray(eo, r * L);
            else if (src >= 0 && src + L <= x.length) {
                zero.blend(FloatVector.fromArray(SF, x, src), real).rearrange(DEINTERLEAVE).intoArray(eo, r * L);
            } else {
                g.row(x, xOff, r, eo);
            }
        }
    }

    /** The two halves of a vector swapped: lane k takes lane (k + L/2) mod L. */
    private static final VectorShuffle<Float> SWAP = VectorShuffle.fromOp(SF, k -> (k + H) % L);
    private static final VectorMask<Float> UPPER = SF.indexInRange(-H, H);

    /**
     * {@link CpuConvWinograd.Geo#build} for rows of up to L tiles that a single vector does not hold (tw + 1 <= L
     * but 2 (tw + 1) > L: the CNN's 14 x 14 planes on 256-bit vectors, which the scalar loops took 17% of conv2's
     * time over): a padded row is two loads, masked to the real columns, each shuffled into even then odd columns,
     * and their halves joined into one vector of even and one of odd columns. Lanes past tw + 1 hold columns no
     * tile reads (the scalar loops leave them as they were). Rows whose loads would leave the array: element by
     * element.
     */
    static void buildTwo(float[] x, int xOff, CpuConvWinograd.Geo g, float[] eo) {
        int w = g.w(), pw = g.pw(), es = g.es(), odd = g.odd();
        VectorMask<Float> real0 = SF.indexInRange(-pw, w), real1 = SF.indexInRange(L - pw, w);
        FloatVector zero = FloatVector.zero(SF);
        for (int r = 0; r < g.hp(); r++) {
            int iy = r - g.ph(), src = xOff + iy * w - pw, e = r * es, o = odd + r * es;
            if (iy < 0 || iy >= g.h()) {
                zero.intoArray(eo, e);
                zero.intoArray(eo, o);
            } else if (src >= 0 && src + 2 * L <= x.length) {
                FloatVector d0 = zero.blend(FloatVector.fromArray(SF, x, src), real0).rearrange(DEINTERLEAVE);
                FloatVector d1 = zero.blend(FloatVector.fromArray(SF, x, src + L), real1).rearrange(DEINTERLEAVE);
                d0.blend(d1.rearrange(SWAP), UPPER).intoArray(eo, e);
                d0.rearrange(SWAP).blend(d1, UPPER).intoArray(eo, o);
            } else {
                g.row(x, xOff, r, eo);
            }
        }
    }

    /**
     * Rows 0..7 of one element's product M = U [8, c] x V [c, t], columns q..q+2L: {@code m[mOff + j * ld + q ..]
     * = sum_ci u[uOff + ci * 8 + j] * v[vOff + ci * ld + q ..]}, fused multiply-adds in ci order (the scalar
     * twin's chain). The implicit conv's 8x2 tile with V's rows at one stride instead of a table of offsets: no
     * offset load (and its bounds check) per step, and a kernel that C2 compiles for these products alone.
     */
    static void product8x2(float[] v, int vOff, int c, float[] u, int uOff, float[] m, int mOff, int ld, int q) {
        FloatVector z = FloatVector.zero(SF);
        FloatVector a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
        FloatVector a40 = z, a41 = z, a50 = z, a51 = z, a60 = z, a61 = z, a70 = z, a71 = z;
        for (int ci = 0, o = vOff + q, wi = uOff; ci < c; ci++, o += ld, wi += 8) {
            FloatVector x0 = FloatVector.fromArray(SF, v, o), x1 = FloatVector.fromArray(SF, v, o + L);
            FloatVector w0 = FloatVector.broadcast(SF, u[wi]);
            a00 = x0.fma(w0, a00);
            a01 = x1.fma(w0, a01);
            FloatVector w1 = FloatVector.broadcast(SF, u[wi + 1]);
            a10 = x0.fma(w1, a10);
            a11 = x1.fma(w1, a11);
            FloatVector w2 = FloatVector.broadcast(SF, u[wi + 2]);
            a20 = x0.fma(w2, a20);
            a21 = x1.fma(w2, a21);
            FloatVector w3 = FloatVector.broadcast(SF, u[wi + 3]);
            a30 = x0.fma(w3, a30);
            a31 = x1.fma(w3, a31);
            FloatVector w4 = FloatVector.broadcast(SF, u[wi + 4]);
            a40 = x0.fma(w4, a40);
            a41 = x1.fma(w4, a41);
            FloatVector w5 = FloatVector.broadcast(SF, u[wi + 5]);
            a50 = x0.fma(w5, a50);
            a51 = x1.fma(w5, a51);
            FloatVector w6 = FloatVector.broadcast(SF, u[wi + 6]);
            a60 = x0.fma(w6, a60);
            a61 = x1.fma(w6, a61);
            FloatVector w7 = FloatVector.broadcast(SF, u[wi + 7]);
            a70 = x0.fma(w7, a70);
            a71 = x1.fma(w7, a71);
        }
        int o = mOff + q;
        a00.intoArray(m, o);
        a01.intoArray(m, o + L);
        a10.intoArray(m, o + ld);
        a11.intoArray(m, o + ld + L);
        a20.intoArray(m, o + 2 * ld);
        a21.intoArray(m, o + 2 * ld + L);
        a30.intoArray(m, o + 3 * ld);
        a31.intoArray(m, o + 3 * ld + L);
        a40.intoArray(m, o + 4 * ld);
        a41.intoArray(m, o + 4 * ld + L);
        a50.intoArray(m, o + 5 * ld);
        a51.intoArray(m, o + 5 * ld + L);
        a60.intoArray(m, o + 6 * ld);
        a61.intoArray(m, o + 6 * ld + L);
        a70.intoArray(m, o + 7 * ld);
        a71.intoArray(m, o + 7 * ld + L);
    }

    /** Whether a[from, to) holds only finite values (see {@link CpuConvWinograd#finite}). */
    static boolean finite(float[] a, int from, int to) {
        FloatVector z0 = FloatVector.zero(SF), z1 = z0;
        int i = from;
        for (int end = to - 2 * L; i <= end; i += 2 * L) {
            FloatVector v = FloatVector.fromArray(SF, a, i), u = FloatVector.fromArray(SF, a, i + L);
            z0 = z0.add(v.sub(v));
            z1 = z1.add(u.sub(u));
        }
        float z = z0.add(z1).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) z += a[i] - a[i];
        return z == 0f;
    }

    /** Start of the vector of tiles after the one at tx (the last one ends at tw); -1 when done. */
    private static int next(int tx, int tw) {
        if (tx + L >= tw) return -1;
        return Math.min(tx + L, tw - L);
    }

    /** {@code v[e * es + vOff + ty * tw + tx] = (B^T d B)[e]} for the tiles of one channel (see the scalar twin). */
    static void inputTransform(float[] eo, CpuConvWinograd.Geo g, float[] v, int vOff, int es) {
        int tw = g.tw(), s = g.es(), odd = g.odd();
        for (int tx = 0; tx >= 0; tx = next(tx, tw)) {
            for (int ty = 0; ty < g.th(); ty++) inputTiles(eo, 2 * ty * s + tx, s, odd, v, vOff + ty * tw + tx, es);
        }
    }

    /**
     * One vector of tiles: their 4 padded rows start at {@code eo[e]} (even columns) and {@code eo[odd + e]} (odd
     * ones), s apart; the 16 results go to {@code v[at + k * es]}. Column transforms 0 and 1 of the 4 rows, then
     * 2 and 3, each in a method of its own: with all 16 outputs in one method C2 at times (from JVM to JVM, as
     * the shared profiles of the vector classes differ) passes its node budget before the last stores are
     * intrinsified, and those then box their vectors and store element by element (~1.5x the time of the
     * whole convolution).
     */
    private static void inputTiles(float[] eo, int e, int s, int odd, float[] v, int at, int es) {
        inputColumns01(eo, e, s, odd, v, at, es);
        inputColumns23(eo, e, s, odd, v, at + 2 * es, es);
    }

    /** Outputs k = 4i + j, j = 0, 1, to {@code v[at + (4i + j) * es]}. No vector leaves the method. */
    private static void inputColumns01(float[] eo, int e, int s, int odd, float[] v, int at, int es) {
        FloatVector a0, a1, b0, b1, c0, c1, d0, d1;
        {
            FloatVector x0 = FloatVector.fromArray(SF, eo, e), x1 = FloatVector.fromArray(SF, eo, e + 1);
            FloatVector o0 = FloatVector.fromArray(SF, eo, odd + e);
            a0 = x0.sub(x1); a1 = o0.add(x1);
        }
        {
            int r = e + s;
            FloatVector x0 = FloatVector.fromArray(SF, eo, r), x1 = FloatVector.fromArray(SF, eo, r + 1);
            FloatVector o0 = FloatVector.fromArray(SF, eo, odd + r);
            b0 = x0.sub(x1); b1 = o0.add(x1);
        }
        {
            int r = e + 2 * s;
            FloatVector x0 = FloatVector.fromArray(SF, eo, r), x1 = FloatVector.fromArray(SF, eo, r + 1);
            FloatVector o0 = FloatVector.fromArray(SF, eo, odd + r);
            c0 = x0.sub(x1); c1 = o0.add(x1);
        }
        {
            int r = e + 3 * s;
            FloatVector x0 = FloatVector.fromArray(SF, eo, r), x1 = FloatVector.fromArray(SF, eo, r + 1);
            FloatVector o0 = FloatVector.fromArray(SF, eo, odd + r);
            d0 = x0.sub(x1); d1 = o0.add(x1);
        }
        a0.sub(c0).intoArray(v, at);
        a1.sub(c1).intoArray(v, at + es);
        b0.add(c0).intoArray(v, at + 4 * es);
        b1.add(c1).intoArray(v, at + 5 * es);
        c0.sub(b0).intoArray(v, at + 8 * es);
        c1.sub(b1).intoArray(v, at + 9 * es);
        b0.sub(d0).intoArray(v, at + 12 * es);
        b1.sub(d1).intoArray(v, at + 13 * es);
    }

    /** Outputs k = 4i + j, j = 2, 3, to {@code v[at + (4i + j - 2) * es]}. No vector leaves the method. */
    private static void inputColumns23(float[] eo, int e, int s, int odd, float[] v, int at, int es) {
        FloatVector a2, a3, b2, b3, c2, c3, d2, d3;
        {
            FloatVector x1 = FloatVector.fromArray(SF, eo, e + 1);
            FloatVector o0 = FloatVector.fromArray(SF, eo, odd + e), o1 = FloatVector.fromArray(SF, eo, odd + e + 1);
            a2 = x1.sub(o0); a3 = o0.sub(o1);
        }
        {
            int r = e + s;
            FloatVector x1 = FloatVector.fromArray(SF, eo, r + 1);
            FloatVector o0 = FloatVector.fromArray(SF, eo, odd + r), o1 = FloatVector.fromArray(SF, eo, odd + r + 1);
            b2 = x1.sub(o0); b3 = o0.sub(o1);
        }
        {
            int r = e + 2 * s;
            FloatVector x1 = FloatVector.fromArray(SF, eo, r + 1);
            FloatVector o0 = FloatVector.fromArray(SF, eo, odd + r), o1 = FloatVector.fromArray(SF, eo, odd + r + 1);
            c2 = x1.sub(o0); c3 = o0.sub(o1);
        }
        {
            int r = e + 3 * s;
            FloatVector x1 = FloatVector.fromArray(SF, eo, r + 1);
            FloatVector o0 = FloatVector.fromArray(SF, eo, odd + r), o1 = FloatVector.fromArray(SF, eo, odd + r + 1);
            d2 = x1.sub(o0); d3 = o0.sub(o1);
        }
        a2.sub(c2).intoArray(v, at);
        a3.sub(c3).intoArray(v, at + es);
        b2.add(c2).intoArray(v, at + 4 * es);
        b3.add(c3).intoArray(v, at + 5 * es);
        c2.sub(b2).intoArray(v, at + 8 * es);
        c3.sub(b3).intoArray(v, at + 9 * es);
        b2.sub(d2).intoArray(v, at + 12 * es);
        b3.sub(d3).intoArray(v, at + 13 * es);
    }

    /** Lane shifts and masks of {@link #transpose16}'s four exchange steps (used where L is 16). */
    private static final VectorShuffle<Float> UP8 = shift(-8), DOWN8 = shift(8), UP4 = shift(-4), DOWN4 = shift(4);
    private static final VectorShuffle<Float> UP2 = shift(-2), DOWN2 = shift(2), UP1 = shift(-1), DOWN1 = shift(1);
    private static final VectorMask<Float> BIT8 = VectorMask.fromLong(SF, 0xFF00L), BIT4 = VectorMask.fromLong(SF, 0xF0F0L);
    private static final VectorMask<Float> BIT2 = VectorMask.fromLong(SF, 0xCCCCL), BIT1 = VectorMask.fromLong(SF, 0xAAAAL);

    private static VectorShuffle<Float> shift(int s) {
        return VectorShuffle.fromOp(SF, j -> Math.floorMod(j + s, L));
    }

    /**
     * {@link CpuConvWinogradWeight#channelsLast} with 16 x 16 register transposes (L = 16, at least 16 pixels, c a
     * multiple of 16): 16 pixels of 16 channels are read as one vector per channel and stored as one per pixel, at
     * {@code xp[dst[p] + ci]} for plane pixel p. The same copy as the scalar loop, which reads one element per
     * channel's line and ran at ~2 cycles an element.
     */
    static void channelsLast(float[] x, int xOff, int c, int hw, float[] xp, int[] dst) {
        for (int ci = 0; ci < c; ci += 16) {
            for (int p0 = 0; p0 < hw; p0 += 16) {
                int p = Math.min(p0, hw - 16); // the last block ends at the plane's end, overlapping the one before
                transpose16(x, xOff + ci * hw + p, hw, xp, dst, p, ci);
            }
        }
    }

    /**
     * Rows k < 16 of 16 floats at {@code x[src + k * rs ..]}, transposed: lane j of row k to {@code xp[dst[p + j] +
     * ci + k]}. Four steps exchange blocks of 8, 4, 2, 1 lanes between row pairs (k, k + b); the 16 rows are locals
     * (an array of vectors would box them).
     */
    private static void transpose16(float[] x, int src, int rs, float[] xp, int[] dst, int p, int ci) {
        FloatVector r0 = FloatVector.fromArray(SF, x, src + 0 * rs);
        FloatVector r1 = FloatVector.fromArray(SF, x, src + 1 * rs);
        FloatVector r2 = FloatVector.fromArray(SF, x, src + 2 * rs);
        FloatVector r3 = FloatVector.fromArray(SF, x, src + 3 * rs);
        FloatVector r4 = FloatVector.fromArray(SF, x, src + 4 * rs);
        FloatVector r5 = FloatVector.fromArray(SF, x, src + 5 * rs);
        FloatVector r6 = FloatVector.fromArray(SF, x, src + 6 * rs);
        FloatVector r7 = FloatVector.fromArray(SF, x, src + 7 * rs);
        FloatVector r8 = FloatVector.fromArray(SF, x, src + 8 * rs);
        FloatVector r9 = FloatVector.fromArray(SF, x, src + 9 * rs);
        FloatVector r10 = FloatVector.fromArray(SF, x, src + 10 * rs);
        FloatVector r11 = FloatVector.fromArray(SF, x, src + 11 * rs);
        FloatVector r12 = FloatVector.fromArray(SF, x, src + 12 * rs);
        FloatVector r13 = FloatVector.fromArray(SF, x, src + 13 * rs);
        FloatVector r14 = FloatVector.fromArray(SF, x, src + 14 * rs);
        FloatVector r15 = FloatVector.fromArray(SF, x, src + 15 * rs);
        FloatVector t;
        t = r0.blend(r8.rearrange(UP8), BIT8);
        r8 = r0.rearrange(DOWN8).blend(r8, BIT8);
        r0 = t;
        t = r1.blend(r9.rearrange(UP8), BIT8);
        r9 = r1.rearrange(DOWN8).blend(r9, BIT8);
        r1 = t;
        t = r2.blend(r10.rearrange(UP8), BIT8);
        r10 = r2.rearrange(DOWN8).blend(r10, BIT8);
        r2 = t;
        t = r3.blend(r11.rearrange(UP8), BIT8);
        r11 = r3.rearrange(DOWN8).blend(r11, BIT8);
        r3 = t;
        t = r4.blend(r12.rearrange(UP8), BIT8);
        r12 = r4.rearrange(DOWN8).blend(r12, BIT8);
        r4 = t;
        t = r5.blend(r13.rearrange(UP8), BIT8);
        r13 = r5.rearrange(DOWN8).blend(r13, BIT8);
        r5 = t;
        t = r6.blend(r14.rearrange(UP8), BIT8);
        r14 = r6.rearrange(DOWN8).blend(r14, BIT8);
        r6 = t;
        t = r7.blend(r15.rearrange(UP8), BIT8);
        r15 = r7.rearrange(DOWN8).blend(r15, BIT8);
        r7 = t;
        t = r0.blend(r4.rearrange(UP4), BIT4);
        r4 = r0.rearrange(DOWN4).blend(r4, BIT4);
        r0 = t;
        t = r1.blend(r5.rearrange(UP4), BIT4);
        r5 = r1.rearrange(DOWN4).blend(r5, BIT4);
        r1 = t;
        t = r2.blend(r6.rearrange(UP4), BIT4);
        r6 = r2.rearrange(DOWN4).blend(r6, BIT4);
        r2 = t;
        t = r3.blend(r7.rearrange(UP4), BIT4);
        r7 = r3.rearrange(DOWN4).blend(r7, BIT4);
        r3 = t;
        t = r8.blend(r12.rearrange(UP4), BIT4);
        r12 = r8.rearrange(DOWN4).blend(r12, BIT4);
        r8 = t;
        t = r9.blend(r13.rearrange(UP4), BIT4);
        r13 = r9.rearrange(DOWN4).blend(r13, BIT4);
        r9 = t;
        t = r10.blend(r14.rearrange(UP4), BIT4);
        r14 = r10.rearrange(DOWN4).blend(r14, BIT4);
        r10 = t;
        t = r11.blend(r15.rearrange(UP4), BIT4);
        r15 = r11.rearrange(DOWN4).blend(r15, BIT4);
        r11 = t;
        t = r0.blend(r2.rearrange(UP2), BIT2);
        r2 = r0.rearrange(DOWN2).blend(r2, BIT2);
        r0 = t;
        t = r1.blend(r3.rearrange(UP2), BIT2);
        r3 = r1.rearrange(DOWN2).blend(r3, BIT2);
        r1 = t;
        t = r4.blend(r6.rearrange(UP2), BIT2);
        r6 = r4.rearrange(DOWN2).blend(r6, BIT2);
        r4 = t;
        t = r5.blend(r7.rearrange(UP2), BIT2);
        r7 = r5.rearrange(DOWN2).blend(r7, BIT2);
        r5 = t;
        t = r8.blend(r10.rearrange(UP2), BIT2);
        r10 = r8.rearrange(DOWN2).blend(r10, BIT2);
        r8 = t;
        t = r9.blend(r11.rearrange(UP2), BIT2);
        r11 = r9.rearrange(DOWN2).blend(r11, BIT2);
        r9 = t;
        t = r12.blend(r14.rearrange(UP2), BIT2);
        r14 = r12.rearrange(DOWN2).blend(r14, BIT2);
        r12 = t;
        t = r13.blend(r15.rearrange(UP2), BIT2);
        r15 = r13.rearrange(DOWN2).blend(r15, BIT2);
        r13 = t;
        t = r0.blend(r1.rearrange(UP1), BIT1);
        r1 = r0.rearrange(DOWN1).blend(r1, BIT1);
        r0 = t;
        t = r2.blend(r3.rearrange(UP1), BIT1);
        r3 = r2.rearrange(DOWN1).blend(r3, BIT1);
        r2 = t;
        t = r4.blend(r5.rearrange(UP1), BIT1);
        r5 = r4.rearrange(DOWN1).blend(r5, BIT1);
        r4 = t;
        t = r6.blend(r7.rearrange(UP1), BIT1);
        r7 = r6.rearrange(DOWN1).blend(r7, BIT1);
        r6 = t;
        t = r8.blend(r9.rearrange(UP1), BIT1);
        r9 = r8.rearrange(DOWN1).blend(r9, BIT1);
        r8 = t;
        t = r10.blend(r11.rearrange(UP1), BIT1);
        r11 = r10.rearrange(DOWN1).blend(r11, BIT1);
        r10 = t;
        t = r12.blend(r13.rearrange(UP1), BIT1);
        r13 = r12.rearrange(DOWN1).blend(r13, BIT1);
        r12 = t;
        t = r14.blend(r15.rearrange(UP1), BIT1);
        r15 = r14.rearrange(DOWN1).blend(r15, BIT1);
        r14 = t;
        r0.intoArray(xp, dst[p + 0] + ci);
        r1.intoArray(xp, dst[p + 1] + ci);
        r2.intoArray(xp, dst[p + 2] + ci);
        r3.intoArray(xp, dst[p + 3] + ci);
        r4.intoArray(xp, dst[p + 4] + ci);
        r5.intoArray(xp, dst[p + 5] + ci);
        r6.intoArray(xp, dst[p + 6] + ci);
        r7.intoArray(xp, dst[p + 7] + ci);
        r8.intoArray(xp, dst[p + 8] + ci);
        r9.intoArray(xp, dst[p + 9] + ci);
        r10.intoArray(xp, dst[p + 10] + ci);
        r11.intoArray(xp, dst[p + 11] + ci);
        r12.intoArray(xp, dst[p + 12] + ci);
        r13.intoArray(xp, dst[p + 13] + ci);
        r14.intoArray(xp, dst[p + 14] + ci);
        r15.intoArray(xp, dst[p + 15] + ci);
    }

    /** {@link CpuConvWinogradWeight#channelTransform} with vectors of L channels. */
    static void channelTransform(float[] xp, CpuConvWinograd.Geo g, int wp, float[] vt, int t0, int tmax, int nb) {
        int c = g.c(), tw = g.tw(), es = c * tmax;
        for (int ty = 0; ty < g.th(); ty++) {
            for (int tx = 0; tx < tw; tx++) {
                int t = t0 + ty * tw + tx, p = (2 * ty * wp + 2 * tx) * c;
                for (int ci = 0; ci < c; ci += L) {
                    channelTiles(xp, p + ci, wp * c, c, vt, ((ci / nb) * tmax + t) * nb + ci % nb, es);
                }
            }
        }
    }

    /**
     * One tile, L channels: patch pixel (i, j) at {@code xp[p + i * row + j * c]}; the 16 results to
     * {@code vt[at + k * es]}, column transforms 0 and 1 then 2 and 3 in methods of their own (see
     * {@link #inputTiles}).
     */
    private static void channelTiles(float[] xp, int p, int row, int c, float[] vt, int at, int es) {
        channelColumns01(xp, p, row, c, vt, at, es);
        channelColumns23(xp, p, row, c, vt, at + 2 * es, es);
    }

    /** Outputs k = 4i + j, j = 0, 1, to {@code vt[at + (4i + j) * es]}. No vector leaves the method. */
    private static void channelColumns01(float[] xp, int p, int row, int c, float[] vt, int at, int es) {
        FloatVector a0, b0, c0, d0, a1, b1, c1, d1;
        {
            FloatVector q0 = FloatVector.fromArray(SF, xp, p), q1 = FloatVector.fromArray(SF, xp, p + c);
            FloatVector q2 = FloatVector.fromArray(SF, xp, p + 2 * c);
            a0 = q0.sub(q2); a1 = q1.add(q2);
        }
        {
            int r = p + row;
            FloatVector q0 = FloatVector.fromArray(SF, xp, r), q1 = FloatVector.fromArray(SF, xp, r + c);
            FloatVector q2 = FloatVector.fromArray(SF, xp, r + 2 * c);
            b0 = q0.sub(q2); b1 = q1.add(q2);
        }
        {
            int r = p + 2 * row;
            FloatVector q0 = FloatVector.fromArray(SF, xp, r), q1 = FloatVector.fromArray(SF, xp, r + c);
            FloatVector q2 = FloatVector.fromArray(SF, xp, r + 2 * c);
            c0 = q0.sub(q2); c1 = q1.add(q2);
        }
        {
            int r = p + 3 * row;
            FloatVector q0 = FloatVector.fromArray(SF, xp, r), q1 = FloatVector.fromArray(SF, xp, r + c);
            FloatVector q2 = FloatVector.fromArray(SF, xp, r + 2 * c);
            d0 = q0.sub(q2); d1 = q1.add(q2);
        }
        a0.sub(c0).intoArray(vt, at);
        a1.sub(c1).intoArray(vt, at + es);
        b0.add(c0).intoArray(vt, at + 4 * es);
        b1.add(c1).intoArray(vt, at + 5 * es);
        c0.sub(b0).intoArray(vt, at + 8 * es);
        c1.sub(b1).intoArray(vt, at + 9 * es);
        b0.sub(d0).intoArray(vt, at + 12 * es);
        b1.sub(d1).intoArray(vt, at + 13 * es);
    }

    /** Outputs k = 4i + j, j = 2, 3, to {@code vt[at + (4i + j - 2) * es]}. No vector leaves the method. */
    private static void channelColumns23(float[] xp, int p, int row, int c, float[] vt, int at, int es) {
        FloatVector a2, b2, c2, d2, a3, b3, c3, d3;
        {
            FloatVector q1 = FloatVector.fromArray(SF, xp, p + c), q2 = FloatVector.fromArray(SF, xp, p + 2 * c);
            FloatVector q3 = FloatVector.fromArray(SF, xp, p + 3 * c);
            a2 = q2.sub(q1); a3 = q1.sub(q3);
        }
        {
            int r = p + row;
            FloatVector q1 = FloatVector.fromArray(SF, xp, r + c), q2 = FloatVector.fromArray(SF, xp, r + 2 * c);
            FloatVector q3 = FloatVector.fromArray(SF, xp, r + 3 * c);
            b2 = q2.sub(q1); b3 = q1.sub(q3);
        }
        {
            int r = p + 2 * row;
            FloatVector q1 = FloatVector.fromArray(SF, xp, r + c), q2 = FloatVector.fromArray(SF, xp, r + 2 * c);
            FloatVector q3 = FloatVector.fromArray(SF, xp, r + 3 * c);
            c2 = q2.sub(q1); c3 = q1.sub(q3);
        }
        {
            int r = p + 3 * row;
            FloatVector q1 = FloatVector.fromArray(SF, xp, r + c), q2 = FloatVector.fromArray(SF, xp, r + 2 * c);
            FloatVector q3 = FloatVector.fromArray(SF, xp, r + 3 * c);
            d2 = q2.sub(q1); d3 = q1.sub(q3);
        }
        a2.sub(c2).intoArray(vt, at);
        a3.sub(c3).intoArray(vt, at + es);
        b2.add(c2).intoArray(vt, at + 4 * es);
        b3.add(c3).intoArray(vt, at + 5 * es);
        c2.sub(b2).intoArray(vt, at + 8 * es);
        c3.sub(b3).intoArray(vt, at + 9 * es);
        b2.sub(d2).intoArray(vt, at + 12 * es);
        b3.sub(d3).intoArray(vt, at + 13 * es);
    }

    /** {@link CpuConvWinogradWeight#gradTransform} with vectors of L tiles. */
    static void gradTransform(float[] eo, CpuConvWinograd.Geo g, float[] d, int dOff, int es) {
        int tw = g.tw(), s = g.es(), odd = g.odd();
        for (int tx = 0; tx >= 0; tx = next(tx, tw)) {
            for (int ty = 0; ty < g.th(); ty++) gradTiles(eo, 2 * ty * s + tx, s, odd, d, dOff + ty * tw + tx, es);
        }
    }

    /** Lane k takes lane 2k (EVENS) or 2k + 1 (ODDS), k < L/2; the upper lanes repeat them. */
    private static final VectorShuffle<Float> EVENS = pick(0), ODDS = pick(1);

    private static VectorShuffle<Float> pick(int parity) {
        int[] idx = new int[L];
        for (int k = 0; k < L; k++) idx[k] = 2 * (k % H) + parity;
        return VectorShuffle.fromArray(SF, idx, 0);
    }

    /** Whether {@link #gradPlane} applies: rows of an even width of at most L, so one load splits into both halves. */
    static boolean direct(CpuConvWinograd.Geo g) {
        return g.ow() % 2 == 0 && g.ow() <= L;
    }

    /**
     * {@link #gradTransform} reading the dy plane at {@code dy[yOff ..]} ([oh, ow]) itself: each row is one load,
     * shuffled into its even and odd columns (its lanes past ow only reach tiles past tw, whose results the next
     * row's stores overwrite). A row whose load would leave the array, and the missing row of an odd oh, go
     * through a small zero-padded copy.
     */
    static void gradPlane(float[] dy, int yOff, CpuConvWinograd.Geo g, float[] d, int dOff, int es) {
        int oh = g.oh(), ow = g.ow(), tw = g.tw();
        float[] tmp = null;
        for (int ty = 0; ty < g.th(); ty++) {
            int r0 = yOff + 2 * ty * ow, r1 = r0 + ow;
            boolean two = 2 * ty + 1 < oh;
            if ((two ? r1 : r0) + L <= dy.length) {
                gradRows(dy, r0, two ? r1 : -1, d, dOff + ty * tw, es);
                continue;
            }
            if (tmp == null) tmp = new float[2 * L];
            java.util.Arrays.fill(tmp, 0f);
            System.arraycopy(dy, r0, tmp, 0, ow);
            if (two) System.arraycopy(dy, r1, tmp, L, ow);
            gradRows(tmp, 0, L, d, dOff + ty * tw, es);
        }
    }

    /** One tile row of dy: rows at {@code y[r0]} and {@code y[r1]} (r1 < 0: a row of zeros). */
    private static void gradRows(float[] y, int r0, int r1, float[] d, int at, int es) {
        FloatVector v0 = FloatVector.fromArray(SF, y, r0);
        FloatVector v1 = r1 < 0 ? FloatVector.zero(SF) : FloatVector.fromArray(SF, y, r1);
        FloatVector x0 = v0.rearrange(EVENS), o0 = v0.rearrange(ODDS), x1 = v1.rearrange(EVENS), o1 = v1.rearrange(ODDS);
        FloatVector a1 = x0.add(o0), a2 = x0.sub(o0), a3 = o0.neg();
        FloatVector b1 = x1.add(o1), b2 = x1.sub(o1), b3 = o1.neg();
        x0.intoArray(d, at);
        a1.intoArray(d, at + es);
        a2.intoArray(d, at + 2 * es);
        a3.intoArray(d, at + 3 * es);
        x0.add(x1).intoArray(d, at + 4 * es);
        a1.add(b1).intoArray(d, at + 5 * es);
        a2.add(b2).intoArray(d, at + 6 * es);
        a3.add(b3).intoArray(d, at + 7 * es);
        x0.sub(x1).intoArray(d, at + 8 * es);
        a1.sub(b1).intoArray(d, at + 9 * es);
        a2.sub(b2).intoArray(d, at + 10 * es);
        a3.sub(b3).intoArray(d, at + 11 * es);
        x1.neg().intoArray(d, at + 12 * es);
        b1.neg().intoArray(d, at + 13 * es);
        b2.neg().intoArray(d, at + 14 * es);
        b3.neg().intoArray(d, at + 15 * es);
    }

    /** One vector of dy tiles: rows 2ty and 2ty + 1 at {@code eo[e]} and {@code eo[e + s]}. */
    private static void gradTiles(float[] eo, int e, int s, int odd, float[] d, int at, int es) {
        FloatVector x0 = FloatVector.fromArray(SF, eo, e), o0 = FloatVector.fromArray(SF, eo, odd + e);
        FloatVector x1 = FloatVector.fromArray(SF, eo, e + s), o1 = FloatVector.fromArray(SF, eo, odd + e + s);
        FloatVector a1 = x0.add(o0), a2 = x0.sub(o0), a3 = o0.neg();
        FloatVector b1 = x1.add(o1), b2 = x1.sub(o1), b3 = o1.neg();
        x0.intoArray(d, at);
        a1.intoArray(d, at + es);
        a2.intoArray(d, at + 2 * es);
        a3.intoArray(d, at + 3 * es);
        x0.add(x1).intoArray(d, at + 4 * es);
        a1.add(b1).intoArray(d, at + 5 * es);
        a2.add(b2).intoArray(d, at + 6 * es);
        a3.add(b3).intoArray(d, at + 7 * es);
        x0.sub(x1).intoArray(d, at + 8 * es);
        a1.sub(b1).intoArray(d, at + 9 * es);
        a2.sub(b2).intoArray(d, at + 10 * es);
        a3.sub(b3).intoArray(d, at + 11 * es);
        x1.neg().intoArray(d, at + 12 * es);
        b1.neg().intoArray(d, at + 13 * es);
        b2.neg().intoArray(d, at + 14 * es);
        b3.neg().intoArray(d, at + 15 * es);
    }

    /**
     * The 2x2 outputs {@code A^T M A + b} of one image's tiles of one channel into its [oh, ow] plane at yOff
     * (see the scalar twin). A row's even and odd outputs are interleaved by shuffles, L columns per vector; those
     * that do not fit the plane go through tmp (at least 4L floats, the caller's: this runs once per image and
     * channel, and allocating it here was the conv's largest allocation site).
     */
    static void outputTransform(float[] m, int mOff, int es, CpuConvWinograd.Geo g, float b, float[] y, int yOff,
                                float[] tmp) {
        int tw = g.tw(), oh = g.oh(), ow = g.ow(), ty = 0;
        boolean single = tw <= L;
        if (2 * tw <= L) {
            // Two tile rows a vector (their tiles are adjacent in M): the loads and sums of the single-row loop
            // below carried tw of L lanes (conv2's forward, 14 x 14 planes: 0.956 of the time, measured in one
            // JVM against the single rows). While all four output rows of the pair exist and the last one's
            // full vector store still ends inside the plane.
            VectorShuffle<Float> next = SPREAD[tw];
            for (; 2 * ty + 3 < oh && (2 * ty + 3) * ow + L <= oh * ow; ty += 2) {
                outputPair(m, mOff + ty * tw, es, b, y, yOff + 2 * ty * ow, ow, next, tmp);
            }
        }
        for (; ty < g.th(); ty++) {
            for (int tx = 0; tx >= 0; tx = next(tx, tw)) {
                int oy = 2 * ty, col = 2 * tx;
                boolean two = oy + 1 < oh, hi = tw - tx > H;
                // Whether each of the (up to) four output vectors is stored whole, or goes through tmp.
                int whole = (fits(oy, col, oh, ow, single) ? 1 : 0) | (two && fits(oy + 1, col, oh, ow, single) ? 2 : 0)
                        | (hi && fits(oy, col + L, oh, ow, single) ? 4 : 0) | (two && hi && fits(oy + 1, col + L, oh, ow, single) ? 8 : 0);
                int o = yOff + oy * ow + col;
                outputTiles(m, mOff + ty * tw + tx, es, b, y, o, ow, two, hi, whole, tmp);
                if (whole != ((two ? 2 : 0) | 1 | (hi ? 4 : 0) | (two && hi ? 8 : 0))) {
                    copy(tmp, 0, y, o, Math.min(L, ow - col), (whole & 1) == 0);
                    copy(tmp, L, y, o + ow, Math.min(L, ow - col), two && (whole & 2) == 0);
                    copy(tmp, 2 * L, y, o + L, Math.min(L, ow - col - L), hi && (whole & 4) == 0);
                    copy(tmp, 3 * L, y, o + ow + L, Math.min(L, ow - col - L), two && hi && (whole & 8) == 0);
                }
            }
        }
    }

    /**
     * One vector of tiles: M element k at {@code m[at + k * es]}; output rows at y[o] and (two) y[o + ow], the
     * second half of the tiles (hi) L columns further. An output vector whose bit in whole is set is stored
     * there, else at its slot of tmp.
     */
    private static void outputTiles(float[] m, int at, int es, float b, float[] y, int o, int ow, boolean two, boolean hi,
                                    int whole, float[] tmp) {
        boolean lo0 = (whole & 1) != 0, up0 = (whole & 4) != 0, lo1 = (whole & 2) != 0, up1 = (whole & 8) != 0;
        VectorShuffle<Float> second = hi ? SPREAD_HI : null;
        outputRow0(m, at, es, b, lo0 ? y : tmp, lo0 ? o : 0, second, up0 ? y : tmp, up0 ? o + L : 2 * L, null, 0);
        if (two) {
            outputRow1(m, at, es, b, lo1 ? y : tmp, lo1 ? o + ow : L, second, up1 ? y : tmp, up1 ? o + ow + L : 3 * L,
                    null, 0);
        }
    }

    /** {@code SPREAD[t]}: lanes 2k and 2k + 1 take lane t + k (t <= L/2): the interleave of the tiles from lane t. */
    private static final VectorShuffle<Float>[] SPREAD = spreads();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] spreads() {
        VectorShuffle<Float>[] s = new VectorShuffle[H + 1];
        for (int t = 0; t <= H; t++) s[t] = spread(t);
        return s;
    }

    /**
     * Tile rows ty and ty + 1 of a plane with rows of tw <= L/2 tiles: M element k at {@code m[at + k * es]}, the
     * second row's tiles from lane tw; output rows 2ty .. 2ty + 3 at y[o], y[o + ow], .. (all four in the plane,
     * and a vector stored at the last one still inside it). Each output row is one full-vector store whose lanes
     * past ow spill into the rows after it, so the rows must be stored in order; the first-row method makes rows
     * 0 and 2 and the second-row one rows 1 and 3, so row 2 waits in tmp[0 ..] for row 3, which goes to y and
     * to tmp[ow ..], and the vector at tmp[0] (row 2, then the start of row 3) is stored last.
     */
    private static void outputPair(float[] m, int at, int es, float b, float[] y, int o, int ow,
                                   VectorShuffle<Float> next, float[] tmp) {
        outputRow0(m, at, es, b, y, o, next, tmp, 0, null, 0);
        outputRow1(m, at, es, b, y, o + ow, next, y, o + 3 * ow, tmp, ow);
        FloatVector.fromArray(SF, tmp, 0).intoArray(y, o + 2 * ow);
    }

    /**
     * The first output row of a vector of tiles (rows 0-2 of M, element k at {@code m[at + k * es]}): the
     * interleave of its first L/2 tiles' outputs to y1[o1]; where second is not null, that of the tiles from
     * second's first lane on (the vector's second half, or a plane's next tile row) to y2[o2], and also to y3[o3]
     * where y3 is not null. Each output row in a method of its own (see {@link #inputTiles}), and no vector is
     * live across a call (which would box it).
     */
    private static void outputRow0(float[] m, int at, int es, float b, float[] y1, int o1, VectorShuffle<Float> second,
                                   float[] y2, int o2, float[] y3, int o3) {
        FloatVector s0, s1, s2, s3;
        {
            int a = at;
            FloatVector m0 = FloatVector.fromArray(SF, m, a), m1 = FloatVector.fromArray(SF, m, a + 4 * es);
            FloatVector m2 = FloatVector.fromArray(SF, m, a + 8 * es);
            s0 = m0.add(m1).add(m2);
        }
        {
            int a = at + es;
            FloatVector m0 = FloatVector.fromArray(SF, m, a), m1 = FloatVector.fromArray(SF, m, a + 4 * es);
            FloatVector m2 = FloatVector.fromArray(SF, m, a + 8 * es);
            s1 = m0.add(m1).add(m2);
        }
        {
            int a = at + 2 * es;
            FloatVector m0 = FloatVector.fromArray(SF, m, a), m1 = FloatVector.fromArray(SF, m, a + 4 * es);
            FloatVector m2 = FloatVector.fromArray(SF, m, a + 8 * es);
            s2 = m0.add(m1).add(m2);
        }
        {
            int a = at + 3 * es;
            FloatVector m0 = FloatVector.fromArray(SF, m, a), m1 = FloatVector.fromArray(SF, m, a + 4 * es);
            FloatVector m2 = FloatVector.fromArray(SF, m, a + 8 * es);
            s3 = m0.add(m1).add(m2);
        }
        FloatVector r0 = s0.add(s1).add(s2).add(b), r1 = s1.sub(s2).sub(s3).add(b);
        r0.rearrange(SPREAD_LO).blend(r1.rearrange(SPREAD_LO), ODD).intoArray(y1, o1);
        if (second != null) {
            FloatVector z = r0.rearrange(second).blend(r1.rearrange(second), ODD);
            z.intoArray(y2, o2);
            if (y3 != null) z.intoArray(y3, o3);
        }
    }

    /** The second output row of a vector of tiles (rows 1-3 of M), as {@link #outputRow0}. */
    private static void outputRow1(float[] m, int at, int es, float b, float[] y1, int o1, VectorShuffle<Float> second,
                                   float[] y2, int o2, float[] y3, int o3) {
        FloatVector s0, s1, s2, s3;
        {
            int a = at;
            FloatVector m1 = FloatVector.fromArray(SF, m, a + 4 * es), m2 = FloatVector.fromArray(SF, m, a + 8 * es);
            FloatVector m3 = FloatVector.fromArray(SF, m, a + 12 * es);
            s0 = m1.sub(m2).sub(m3);
        }
        {
            int a = at + es;
            FloatVector m1 = FloatVector.fromArray(SF, m, a + 4 * es), m2 = FloatVector.fromArray(SF, m, a + 8 * es);
            FloatVector m3 = FloatVector.fromArray(SF, m, a + 12 * es);
            s1 = m1.sub(m2).sub(m3);
        }
        {
            int a = at + 2 * es;
            FloatVector m1 = FloatVector.fromArray(SF, m, a + 4 * es), m2 = FloatVector.fromArray(SF, m, a + 8 * es);
            FloatVector m3 = FloatVector.fromArray(SF, m, a + 12 * es);
            s2 = m1.sub(m2).sub(m3);
        }
        {
            int a = at + 3 * es;
            FloatVector m1 = FloatVector.fromArray(SF, m, a + 4 * es), m2 = FloatVector.fromArray(SF, m, a + 8 * es);
            FloatVector m3 = FloatVector.fromArray(SF, m, a + 12 * es);
            s3 = m1.sub(m2).sub(m3);
        }
        FloatVector r0 = s0.add(s1).add(s2).add(b), r1 = s1.sub(s2).sub(s3).add(b);
        r0.rearrange(SPREAD_LO).blend(r1.rearrange(SPREAD_LO), ODD).intoArray(y1, o1);
        if (second != null) {
            FloatVector z = r0.rearrange(second).blend(r1.rearrange(second), ODD);
            z.intoArray(y2, o2);
            if (y3 != null) z.intoArray(y3, o3);
        }
    }

    /**
     * Whether L outputs from column col of row oy can be stored as one vector: they fit the row, or (rows of at
     * most L tiles, stored in order) the lanes past the row's end fall on later rows of the plane.
     */
    private static boolean fits(int oy, int col, int oh, int ow, boolean single) {
        return col + L <= ow || (single && oy * ow + col + L <= oh * ow);
    }

    private static void copy(float[] tmp, int from, float[] y, int o, int n, boolean needed) {
        if (!needed) return;
        for (int k = 0; k < n; k++) y[o + k] = tmp[from + k];
    }
}

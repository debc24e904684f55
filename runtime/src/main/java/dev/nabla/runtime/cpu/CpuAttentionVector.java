package dev.nabla.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 tile steps of {@link CpuAttentionF32} on the {@code jdk.incubator.vector} API;
 * {@link CpuAttentionScalar} is the plain-loop twin with the same contracts. Like {@link CpuGemmVectorF},
 * only loaded when {@link CpuGemm#VECTOR} is set, so only when the module is present.
 *
 * <p>The tile products are far too small for {@link CpuGemm} (a 64 x 64 x 32 product there packs both
 * operands, goes through a temporary tile and may try to fork): {@link #mul} reads its operands in place
 * and keeps a 4 x 2-vector block of C in registers, one broadcast of A and one FMA per register per step.
 * The exp of the probabilities is computed in float vectors (see {@link #rowExp}).
 */
final class CpuAttentionVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector IOTA = FloatVector.fromArray(S, iota(L), 0);

    private static final float LOG2E = 1.44269504f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, left in the low mantissa bits. */
    private static final float ROUND = 0x1.8p23f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** exp is 0 in float below EXP_LO (under half the least subnormal) and infinite above EXP_HI. */
    private static final float EXP_LO = -104f, EXP_HI = 89f;

    private CpuAttentionVector() {}

    /** Floats per vector: products whose columns may be rounded up to it are cheapest that way. */
    static int lanes() { return L; }


    private static float[] iota(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** See {@link CpuAttentionScalar#mul}. */
    static void mul(int m, int n, int kk, float alpha, boolean add, float[] a, int aOff, int ars, int aps,
                    float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        int vn = n - n % L, i = 0;
        for (; i + 4 <= m; i += 4) {
            int ai = aOff + i * ars, ci = cOff + i * ldc, j = 0;
            for (; j + 2 * L <= vn; j += 2 * L) tile4x2(kk, alpha, add, a, ai, ars, aps, b, bOff + j, ldb, c, ci + j, ldc);
            if (j < vn) tile4x1(kk, alpha, add, a, ai, ars, aps, b, bOff + j, ldb, c, ci + j, ldc);
        }
        for (; i < m; i++) {
            int ai = aOff + i * ars, ci = cOff + i * ldc, j = 0;
            for (; j + 2 * L <= vn; j += 2 * L) tile1x2(kk, alpha, add, a, ai, aps, b, bOff + j, ldb, c, ci + j);
            if (j < vn) tile1x1(kk, alpha, add, a, ai, aps, b, bOff + j, ldb, c, ci + j);
        }
        if (vn < n) CpuAttentionScalar.mul(m, n - vn, kk, alpha, add, a, aOff, ars, aps, b, bOff + vn, ldb, c, cOff + vn, ldc);
    }

    private static void tile4x2(int kk, float alpha, boolean add, float[] a, int ai, int ars, int aps,
                                float[] b, int bi, int ldb, float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        // Rows of A contiguous (S = Q K^T, dP = dO V^T, O += P V, dQ += dS K): every A index the loop counter plus
        // an invariant, so that C2 checks their bounds once for the loop (alternated step by step in one JVM, the
        // Transformer bench's step took 0.96-0.995 of the time).
        if (aps == 1) {
            int a1 = ai + ars, a2 = ai + 2 * ars, a3 = ai + 3 * ars;
            for (int p = 0; p < kk; p++) {
                int bj = bi + p * ldb;
                FloatVector b0 = FloatVector.fromArray(S, b, bj), b1 = FloatVector.fromArray(S, b, bj + L);
                FloatVector v0 = FloatVector.broadcast(S, a[ai + p]);
                c00 = v0.fma(b0, c00);
                c01 = v0.fma(b1, c01);
                FloatVector v1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = v1.fma(b0, c10);
                c11 = v1.fma(b1, c11);
                FloatVector v2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = v2.fma(b0, c20);
                c21 = v2.fma(b1, c21);
                FloatVector v3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = v3.fma(b0, c30);
                c31 = v3.fma(b1, c31);
            }
        } else {
            for (int p = 0; p < kk; p++, ai += aps, bi += ldb) {
                FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
                FloatVector a0 = FloatVector.broadcast(S, a[ai]);
                c00 = a0.fma(b0, c00);
                c01 = a0.fma(b1, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[ai + ars]);
                c10 = a1.fma(b0, c10);
                c11 = a1.fma(b1, c11);
                FloatVector a2 = FloatVector.broadcast(S, a[ai + 2 * ars]);
                c20 = a2.fma(b0, c20);
                c21 = a2.fma(b1, c21);
                FloatVector a3 = FloatVector.broadcast(S, a[ai + 3 * ars]);
                c30 = a3.fma(b0, c30);
                c31 = a3.fma(b1, c31);
            }
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (add) {
            c00.fma(av, FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c01.fma(av, FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
            c10.fma(av, FloatVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
            c11.fma(av, FloatVector.fromArray(S, c, ci + ldc + L)).intoArray(c, ci + ldc + L);
            c20.fma(av, FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
            c21.fma(av, FloatVector.fromArray(S, c, ci + 2 * ldc + L)).intoArray(c, ci + 2 * ldc + L);
            c30.fma(av, FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
            c31.fma(av, FloatVector.fromArray(S, c, ci + 3 * ldc + L)).intoArray(c, ci + 3 * ldc + L);
        } else {
            c00.mul(av).intoArray(c, ci);
            c01.mul(av).intoArray(c, ci + L);
            c10.mul(av).intoArray(c, ci + ldc);
            c11.mul(av).intoArray(c, ci + ldc + L);
            c20.mul(av).intoArray(c, ci + 2 * ldc);
            c21.mul(av).intoArray(c, ci + 2 * ldc + L);
            c30.mul(av).intoArray(c, ci + 3 * ldc);
            c31.mul(av).intoArray(c, ci + 3 * ldc + L);
        }
    }

    private static void tile4x1(int kk, float alpha, boolean add, float[] a, int ai, int ars, int aps,
                                float[] b, int bi, int ldb, float[] c, int ci, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z;
        for (int p = 0; p < kk; p++, ai += aps, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ai + ars]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ai + 2 * ars]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ai + 3 * ars]).fma(b0, c3);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (add) {
            c0.fma(av, FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c1.fma(av, FloatVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
            c2.fma(av, FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
            c3.fma(av, FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
        } else {
            c0.mul(av).intoArray(c, ci);
            c1.mul(av).intoArray(c, ci + ldc);
            c2.mul(av).intoArray(c, ci + 2 * ldc);
            c3.mul(av).intoArray(c, ci + 3 * ldc);
        }
    }

    private static void tile1x2(int kk, float alpha, boolean add, float[] a, int ai, int aps,
                                float[] b, int bi, int ldb, float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int p = 0; p < kk; p++, ai += aps, bi += ldb) {
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c0 = a0.fma(FloatVector.fromArray(S, b, bi), c0);
            c1 = a0.fma(FloatVector.fromArray(S, b, bi + L), c1);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (add) {
            c0.fma(av, FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
            c1.fma(av, FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        } else {
            c0.mul(av).intoArray(c, ci);
            c1.mul(av).intoArray(c, ci + L);
        }
    }

    private static void tile1x1(int kk, float alpha, boolean add, float[] a, int ai, int aps,
                                float[] b, int bi, int ldb, float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(S);
        for (int p = 0; p < kk; p++, ai += aps, bi += ldb) {
            c0 = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, b, bi), c0);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        if (add) {
            c0.fma(av, FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        } else {
            c0.mul(av).intoArray(c, ci);
        }
    }

    /** See {@link CpuAttentionScalar#rowMaxes}. */
    static void rowMaxes(float[] s, int ld, int rows, int[] vis, float[] mx) {
        for (int r = 0; r < rows; r++) {
            int off = r * ld, n = vis[r], c = 0;
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; c + L <= n; c += L) {
                FloatVector v = FloatVector.fromArray(S, s, off + c);
                m = m.blend(v, v.compare(VectorOperators.GT, m)); // NaN compares false: skipped, as in the scalar loop
            }
            float x = m.reduceLanes(VectorOperators.MAX);
            for (; c < n; c++) if (s[off + c] > x) x = s[off + c];
            mx[r] = x;
        }
    }

    /**
     * See {@link CpuAttentionScalar#expRows}; also writes zeros from s[r ld + vis[r]] up to the next multiple
     * of {@link #lanes()}, which must lie within the row. The exp is float's own, written out in the loop:
     * exp(x) = 2^k exp(r), k = round(x / ln 2), r = x - k ln 2 (ln 2 in two parts, by FMA), exp(r) by its
     * Taylor series to r^7 / 7! (truncation under 2e-9 relative on |r| <= ln 2 / 2), then 2^k applied as
     * two exact factors so that results in the subnormal range round once. Within 1 ulp of the true exp
     * (the tests pin 2 ulp against {@code Math.exp}); exp(-inf) = 0, exp(x > 88.73) = inf, NaN stays NaN.
     * It runs 16 lanes at a time in registers where {@link CpuUnaryVector#exp} runs 8 through a double
     * scratch. All rows in one call: a row's chain (exp, then its sum) is long and short rows are many,
     * so the rows' iterations are left independent for the CPU to overlap.
     */
    static void expRows(float[] s, int ld, int rows, int[] vis, float[] shift, int shOff, float[] sum) {
        for (int r = 0; r < rows; r++) {
            int off = r * ld, n = vis[r];
            FloatVector sh = FloatVector.broadcast(S, shift[shOff + r]), acc = FloatVector.zero(S);
            for (int c = 0; c < n; c += L) {
                FloatVector x = FloatVector.fromArray(S, s, off + c).sub(sh);
                // Lanes past the row compute exp(0) and are zeroed after: exp(-inf) here (clamped to EXP_LO)
                // would underflow, and every subnormal result costs a microcode assist (causal rows, with such
                // a tail in each row, ran at 2.6 ns per exp against 1.1-1.5 this way and 0.7 for full rows). The
                // mask is made for every vector, one value for both blends: full rows measured the same with it.
                boolean tail = c + L > n;
                VectorMask<Float> past = IOTA.compare(VectorOperators.GE, (float) (n - c));
                if (tail) x = x.blend(0f, past);
                x = x.max(EXP_LO).min(EXP_HI); // NaN stays NaN
                FloatVector t = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND));
                FloatVector k = t.sub(ROUND);
                FloatVector q = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
                q = k.fma(FloatVector.broadcast(S, -LN2_LO), q);
                FloatVector p = FloatVector.broadcast(S, 1f / 5040).fma(q, FloatVector.broadcast(S, 1f / 720))
                        .fma(q, FloatVector.broadcast(S, 1f / 120)).fma(q, FloatVector.broadcast(S, 1f / 24))
                        .fma(q, FloatVector.broadcast(S, 1f / 6)).fma(q, FloatVector.broadcast(S, 0.5f))
                        .fma(q, FloatVector.broadcast(S, 1f)).fma(q, FloatVector.broadcast(S, 1f));
                IntVector ki = t.reinterpretAsInts().sub(ROUND_BITS); // k, from the low mantissa bits
                IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1), k2 = ki.sub(k1);
                FloatVector f1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector f2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
                FloatVector y = p.mul(f1).mul(f2);
                if (tail) y = y.blend(0f, past);
                acc = acc.add(y);
                y.intoArray(s, off + c);
            }
            if (sum != null) sum[r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    /** See {@link CpuAttentionScalar#dsRows}. */
    static void dsRows(float[] p, float[] ds, int ld, int rows, int[] vis, float[] delta, int dOff) {
        for (int r = 0; r < rows; r++) {
            int off = r * ld, n = vis[r], c = 0;
            float dr = delta[dOff + r];
            FloatVector d = FloatVector.broadcast(S, dr);
            for (; c + L <= n; c += L) {
                FloatVector.fromArray(S, p, off + c).mul(FloatVector.fromArray(S, ds, off + c).sub(d)).intoArray(ds, off + c);
            }
            for (; c < n; c++) ds[off + c] = p[off + c] * (ds[off + c] - dr);
        }
    }

    /** See {@link CpuAttentionScalar#rowDots}; here summed in float lanes (one rounding per lane and step). */
    static void rowDots(float[] a, float[] b, int off, int rows, int d, float[] dot) {
        int vd = d - d % L;
        for (int i = 0; i < rows; i++) {
            int o = off + i * d, c = 0;
            FloatVector acc = FloatVector.zero(S);
            for (; c < vd; c += L) acc = FloatVector.fromArray(S, a, o + c).fma(FloatVector.fromArray(S, b, o + c), acc);
            float x = acc.reduceLanes(VectorOperators.ADD);
            for (; c < d; c++) x += a[o + c] * b[o + c];
            dot[i] = x;
        }
    }

    // 16 x 16 transpose in registers: four butterfly stages; stage b swaps, in each pair of rows (r, r + b)
    // with bit b of r clear, the lanes of r with bit b set and the lanes of r + b with bit b clear.
    private static final VectorShuffle<Float> U8 = shuffle(8, true), D8 = shuffle(8, false), U4 = shuffle(4, true),
            D4 = shuffle(4, false), U2 = shuffle(2, true), D2 = shuffle(2, false), U1 = shuffle(1, true), D1 = shuffle(1, false);
    private static final VectorMask<Float> M8 = VectorMask.fromLong(S, 0xFF00L), M4 = VectorMask.fromLong(S, 0xF0F0L),
            M2 = VectorMask.fromLong(S, 0xCCCCL), M1 = VectorMask.fromLong(S, 0xAAAAL);

    /** Lanes with bit b set take lane l - b (up), or lanes with it clear take l + b (down); others stay. */
    private static VectorShuffle<Float> shuffle(int b, boolean up) {
        if (L != 16) return null;
        return VectorShuffle.fromOp(S, l -> up ? ((l & b) != 0 ? l - b : l) : ((l & b) == 0 ? l + b : l));
    }

    /**
     * See {@link CpuAttentionScalar#transpose}: 16 x 16 blocks in registers where vectors hold 16 floats
     * (2.5x faster than the scalar loop, whose stores hit a new line each), the edges through the scalar one.
     */
    static void transpose(float[] src, int off, int rows, int d, float[] dst, int j0, int ld) {
        if (L != 16) {
            CpuAttentionScalar.transpose(src, off, rows, d, dst, j0, ld);
            return;
        }
        int rv = rows - rows % 16, cv = d - d % 16;
        for (int j = 0; j < rv; j += 16) {
            for (int c = 0; c < cv; c += 16) transpose16(src, off + j * d + c, d, dst, c * ld + j0 + j, ld);
            for (int c = cv; c < d; c++) {
                for (int r = 0, o = off + j * d + c, t = c * ld + j0 + j; r < 16; r++, o += d) dst[t + r] = src[o];
            }
        }
        if (rv < rows) CpuAttentionScalar.transpose(src, off + rv * d, rows - rv, d, dst, j0 + rv, ld);
    }

    /** dst[t + c ld + r] = src[o + r d + c] for r, c < 16. */
    private static void transpose16(float[] src, int o, int d, float[] dst, int t, int ld) {
        FloatVector v0 = FloatVector.fromArray(S, src, o), v1 = FloatVector.fromArray(S, src, o + d),
                v2 = FloatVector.fromArray(S, src, o + 2 * d), v3 = FloatVector.fromArray(S, src, o + 3 * d),
                v4 = FloatVector.fromArray(S, src, o + 4 * d), v5 = FloatVector.fromArray(S, src, o + 5 * d),
                v6 = FloatVector.fromArray(S, src, o + 6 * d), v7 = FloatVector.fromArray(S, src, o + 7 * d),
                v8 = FloatVector.fromArray(S, src, o + 8 * d), v9 = FloatVector.fromArray(S, src, o + 9 * d),
                v10 = FloatVector.fromArray(S, src, o + 10 * d), v11 = FloatVector.fromArray(S, src, o + 11 * d),
                v12 = FloatVector.fromArray(S, src, o + 12 * d), v13 = FloatVector.fromArray(S, src, o + 13 * d),
                v14 = FloatVector.fromArray(S, src, o + 14 * d), v15 = FloatVector.fromArray(S, src, o + 15 * d);
        FloatVector a, b;
        a = v0.blend(v8.rearrange(U8), M8); b = v0.rearrange(D8).blend(v8, M8); v0 = a; v8 = b;
        a = v1.blend(v9.rearrange(U8), M8); b = v1.rearrange(D8).blend(v9, M8); v1 = a; v9 = b;
        a = v2.blend(v10.rearrange(U8), M8); b = v2.rearrange(D8).blend(v10, M8); v2 = a; v10 = b;
        a = v3.blend(v11.rearrange(U8), M8); b = v3.rearrange(D8).blend(v11, M8); v3 = a; v11 = b;
        a = v4.blend(v12.rearrange(U8), M8); b = v4.rearrange(D8).blend(v12, M8); v4 = a; v12 = b;
        a = v5.blend(v13.rearrange(U8), M8); b = v5.rearrange(D8).blend(v13, M8); v5 = a; v13 = b;
        a = v6.blend(v14.rearrange(U8), M8); b = v6.rearrange(D8).blend(v14, M8); v6 = a; v14 = b;
        a = v7.blend(v15.rearrange(U8), M8); b = v7.rearrange(D8).blend(v15, M8); v7 = a; v15 = b;

        a = v0.blend(v4.rearrange(U4), M4); b = v0.rearrange(D4).blend(v4, M4); v0 = a; v4 = b;
        a = v1.blend(v5.rearrange(U4), M4); b = v1.rearrange(D4).blend(v5, M4); v1 = a; v5 = b;
        a = v2.blend(v6.rearrange(U4), M4); b = v2.rearrange(D4).blend(v6, M4); v2 = a; v6 = b;
        a = v3.blend(v7.rearrange(U4), M4); b = v3.rearrange(D4).blend(v7, M4); v3 = a; v7 = b;
        a = v8.blend(v12.rearrange(U4), M4); b = v8.rearrange(D4).blend(v12, M4); v8 = a; v12 = b;
        a = v9.blend(v13.rearrange(U4), M4); b = v9.rearrange(D4).blend(v13, M4); v9 = a; v13 = b;
        a = v10.blend(v14.rearrange(U4), M4); b = v10.rearrange(D4).blend(v14, M4); v10 = a; v14 = b;
        a = v11.blend(v15.rearrange(U4), M4); b = v11.rearrange(D4).blend(v15, M4); v11 = a; v15 = b;

        a = v0.blend(v2.rearrange(U2), M2); b = v0.rearrange(D2).blend(v2, M2); v0 = a; v2 = b;
        a = v1.blend(v3.rearrange(U2), M2); b = v1.rearrange(D2).blend(v3, M2); v1 = a; v3 = b;
        a = v4.blend(v6.rearrange(U2), M2); b = v4.rearrange(D2).blend(v6, M2); v4 = a; v6 = b;
        a = v5.blend(v7.rearrange(U2), M2); b = v5.rearrange(D2).blend(v7, M2); v5 = a; v7 = b;
        a = v8.blend(v10.rearrange(U2), M2); b = v8.rearrange(D2).blend(v10, M2); v8 = a; v10 = b;
        a = v9.blend(v11.rearrange(U2), M2); b = v9.rearrange(D2).blend(v11, M2); v9 = a; v11 = b;
        a = v12.blend(v14.rearrange(U2), M2); b = v12.rearrange(D2).blend(v14, M2); v12 = a; v14 = b;
        a = v13.blend(v15.rearrange(U2), M2); b = v13.rearrange(D2).blend(v15, M2); v13 = a; v15 = b;

        a = v0.blend(v1.rearrange(U1), M1); b = v0.rearrange(D1).blend(v1, M1); v0 = a; v1 = b;
        a = v2.blend(v3.rearrange(U1), M1); b = v2.rearrange(D1).blend(v3, M1); v2 = a; v3 = b;
        a = v4.blend(v5.rearrange(U1), M1); b = v4.rearrange(D1).blend(v5, M1); v4 = a; v5 = b;
        a = v6.blend(v7.rearrange(U1), M1); b = v6.rearrange(D1).blend(v7, M1); v6 = a; v7 = b;
        a = v8.blend(v9.rearrange(U1), M1); b = v8.rearrange(D1).blend(v9, M1); v8 = a; v9 = b;
        a = v10.blend(v11.rearrange(U1), M1); b = v10.rearrange(D1).blend(v11, M1); v10 = a; v11 = b;
        a = v12.blend(v13.rearrange(U1), M1); b = v12.rearrange(D1).blend(v13, M1); v12 = a; v13 = b;
        a = v14.blend(v15.rearrange(U1), M1); b = v14.rearrange(D1).blend(v15, M1); v14 = a; v15 = b;

        v0.intoArray(dst, t);
        v1.intoArray(dst, t + ld);
        v2.intoArray(dst, t + 2 * ld);
        v3.intoArray(dst, t + 3 * ld);
        v4.intoArray(dst, t + 4 * ld);
        v5.intoArray(dst, t + 5 * ld);
        v6.intoArray(dst, t + 6 * ld);
        v7.intoArray(dst, t + 7 * ld);
        v8.intoArray(dst, t + 8 * ld);
        v9.intoArray(dst, t + 9 * ld);
        v10.intoArray(dst, t + 10 * ld);
        v11.intoArray(dst, t + 11 * ld);
        v12.intoArray(dst, t + 12 * ld);
        v13.intoArray(dst, t + 13 * ld);
        v14.intoArray(dst, t + 14 * ld);
        v15.intoArray(dst, t + 15 * ld);
    }
}

package dev.nabla.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
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
                if (c + L > n) x = x.blend(Float.NEGATIVE_INFINITY, IOTA.compare(VectorOperators.GE, (float) (n - c)));
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
}

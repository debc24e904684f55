package dev.nabla.runtime.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 tile steps of {@link CpuAttentionF32} on the {@code jdk.incubator.vector} API;
 * {@link CpuAttentionScalar} is the plain-loop twin with the same contracts. Like {@link CpuGemmVectorF},
 * only loaded when {@link CpuGemm#VECTOR} is set, so only when the module is present.
 *
 * <p>The tile products are far too small for {@link CpuGemm} (a 64 x 64 x 32 product there packs both
 * operands, goes through a temporary tile and may try to fork): {@link #mul} reads its operands in place
 * and keeps a 4 x 2-vector block of C in registers, one broadcast of A and one FMA per register per step.
 * The exp of the probabilities goes through {@link CpuUnaryVector#exp} on a double scratch row.
 */
final class CpuAttentionVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    /** Floats of the double lane count, half the width, widened lane for lane. */
    private static final VectorSpecies<Float> SH = VectorSpecies.of(float.class, VectorShape.forBitSize(SD.vectorBitSize() / 2));
    private static final int LD = SD.length();
    private static final DoubleVector IOTA = DoubleVector.fromArray(SD, iota(LD), 0);

    private CpuAttentionVector() {}

    /** Floats per vector: products whose columns may be rounded up to it are cheapest that way. */
    static int lanes() { return L; }

    /** Doubles per vector: {@link #rowExp} writes its row up to a multiple of this. */
    static int doubleLanes() { return LD; }

    private static double[] iota(int n) {
        double[] a = new double[n];
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

    /** See {@link CpuAttentionScalar#rowMax}. */
    static float rowMax(float[] s, int off, int n) {
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int c = 0;
        for (; c + L <= n; c += L) {
            FloatVector v = FloatVector.fromArray(S, s, off + c);
            mx = mx.blend(v, v.compare(VectorOperators.GT, mx)); // NaN compares false: skipped, as in the scalar loop
        }
        float m = mx.reduceLanes(VectorOperators.MAX);
        for (; c < n; c++) if (s[off + c] > m) m = s[off + c];
        return m;
    }

    /**
     * See {@link CpuAttentionScalar#rowExp}; also writes zeros to s[off + n] up to the next multiple of
     * {@link #doubleLanes()}, which must lie within the row. {@code e} holds at least that many doubles.
     */
    static double rowExp(float[] s, int off, int n, float shift, double[] e) {
        int nr = n + (LD - n % LD) % LD;
        DoubleVector sh = DoubleVector.broadcast(SD, shift);
        for (int c = 0; c < nr; c += LD) {
            DoubleVector x = load(s, off + c).sub(sh);
            if (c + LD > n) x = x.blend(Double.NEGATIVE_INFINITY, IOTA.compare(VectorOperators.GE, n - c));
            x.intoArray(e, c);
        }
        CpuUnaryVector.exp(e, nr);
        DoubleVector sum = DoubleVector.zero(SD);
        for (int c = 0; c < nr; c += LD) {
            DoubleVector x = DoubleVector.fromArray(SD, e, c);
            sum = sum.add(x);
            ((FloatVector) x.convertShape(VectorOperators.D2F, SH, 0)).intoArray(s, off + c);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** See {@link CpuAttentionScalar#dsRow}. */
    static void dsRow(float[] p, float[] ds, int off, int n, float delta) {
        FloatVector d = FloatVector.broadcast(S, delta);
        int c = 0;
        for (; c + L <= n; c += L) {
            FloatVector.fromArray(S, p, off + c).mul(FloatVector.fromArray(S, ds, off + c).sub(d)).intoArray(ds, off + c);
        }
        for (; c < n; c++) ds[off + c] = p[off + c] * (ds[off + c] - delta);
    }

    private static DoubleVector load(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(SH, a, i).convertShape(VectorOperators.F2D, SD, 0);
    }
}

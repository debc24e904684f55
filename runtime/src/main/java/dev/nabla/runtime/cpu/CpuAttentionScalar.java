package dev.nabla.runtime.cpu;

/**
 * The float32 tile steps of {@link CpuAttentionF32} in plain loops: the portable twin of
 * {@link CpuAttentionVector}, used when the Vector API is not, and for the column tails that do not fill a vector.
 */
final class CpuAttentionScalar {
    private CpuAttentionScalar() {}

    /**
     * C[i, j] = alpha sum_p A(i, p) B[p, j] for i < m, j < n, p < kk, or C[i, j] += that when {@code add};
     * A(i, p) = a[aOff + i ars + p aps] (so A is read in place row-major or transposed), B[p, j] =
     * b[bOff + p ldb + j], C[i, j] = c[cOff + i ldc + j]. C is not read when not adding.
     */
    static void mul(int m, int n, int kk, float alpha, boolean add, float[] a, int aOff, int ars, int aps,
                    float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!add) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0, ai = aOff + i * ars, bi = bOff; p < kk; p++, ai += aps, bi += ldb) {
                float x = alpha * a[ai];
                for (int j = 0; j < n; j++) c[ci + j] += x * b[bi + j];
            }
        }
    }

    /** The largest of s[off .. off + n), NaNs skipped; -infinity when there is none. */
    static float rowMax(float[] s, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int c = off, e = off + n; c < e; c++) if (s[c] > m) m = s[c];
        return m;
    }

    /** s[c] = exp(s[c] - shift) over [off, off + n), rounded once; returns the sum of the unrounded values. */
    static double rowExp(float[] s, int off, int n, float shift, double[] e) {
        double sum = 0.0;
        for (int c = off, end = off + n; c < end; c++) {
            double x = Math.exp((double) s[c] - shift);
            s[c] = (float) x;
            sum += x;
        }
        return sum;
    }

    /** ds[c] = p[c] (ds[c] - delta) over [off, off + n): the softmax backward of one row, dP in ds. */
    static void dsRow(float[] p, float[] ds, int off, int n, float delta) {
        for (int c = off, e = off + n; c < e; c++) ds[c] = p[c] * (ds[c] - delta);
    }
}

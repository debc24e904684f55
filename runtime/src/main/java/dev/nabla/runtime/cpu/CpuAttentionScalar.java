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

    /** mx[r] = the largest of s[r ld + c] for c < vis[r], NaNs skipped; -infinity when there is none. */
    static void rowMaxes(float[] s, int ld, int rows, int[] vis, float[] mx) {
        for (int r = 0; r < rows; r++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int c = r * ld, e = c + vis[r]; c < e; c++) if (s[c] > m) m = s[c];
            mx[r] = m;
        }
    }

    /**
     * s[r ld + c] = exp(s[r ld + c] - shift[shOff + r]) for c < vis[r], each rounded once from double; and,
     * when {@code sum} is not null, sum[r] = the sum of the row's values.
     */
    static void expRows(float[] s, int ld, int rows, int[] vis, float[] shift, int shOff, float[] sum) {
        for (int r = 0; r < rows; r++) {
            double acc = 0.0, sh = shift[shOff + r];
            for (int c = r * ld, e = c + vis[r]; c < e; c++) {
                double x = Math.exp(s[c] - sh);
                s[c] = (float) x;
                acc += x;
            }
            if (sum != null) sum[r] = (float) acc;
        }
    }

    /** ds[r ld + c] = p[..] (ds[..] - delta[dOff + r]) for c < vis[r]: the softmax backward, dP in ds. */
    static void dsRows(float[] p, float[] ds, int ld, int rows, int[] vis, float[] delta, int dOff) {
        for (int r = 0; r < rows; r++) {
            float d = delta[dOff + r];
            for (int c = r * ld, e = c + vis[r]; c < e; c++) ds[c] = p[c] * (ds[c] - d);
        }
    }

    /** dst[c ld + j0 + j] = src[off + j d + c]: rows [0, rows) of a [rows, d] block as columns from j0. */
    static void transpose(float[] src, int off, int rows, int d, float[] dst, int j0, int ld) {
        int j = 0;
        for (; j + 4 <= rows; j += 4) { // four source rows per pass: half the time of one
            for (int c = 0, o = off + j * d, t = j0 + j; c < d; c++, o++, t += ld) {
                dst[t] = src[o];
                dst[t + 1] = src[o + d];
                dst[t + 2] = src[o + 2 * d];
                dst[t + 3] = src[o + 3 * d];
            }
        }
        for (; j < rows; j++) {
            for (int c = 0, o = off + j * d; c < d; c++) dst[c * ld + j0 + j] = src[o + c];
        }
    }

    /** dot[i] = sum_c a[off + i d + c] b[off + i d + c] for i < rows, summed in double: softmax backward's delta. */
    static void rowDots(float[] a, float[] b, int off, int rows, int d, float[] dot) {
        for (int i = 0; i < rows; i++) {
            double acc = 0.0;
            for (int c = 0, o = off + i * d; c < d; c++) acc += (double) a[o + c] * b[o + c];
            dot[i] = (float) acc;
        }
    }
}

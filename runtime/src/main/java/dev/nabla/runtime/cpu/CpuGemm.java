package dev.nabla.runtime.cpu;

/**
 * Row-major GEMM on Java arrays: C = alpha * op(A) * op(B) + beta * C, with op = transpose when the flag is
 * set. A is m x k (k x m when transA) with leading dimension lda; B is k x n (n x k when transB) with ldb.
 * Every CPU kernel that needs a matrix product (matmul, conv via im2col, attention) calls this one place.
 */
public final class CpuGemm {
    private CpuGemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        CpuThreads.parallelFor(m, Math.max(1, 16384 / Math.max(1, n * Math.max(1, k / 64))), (from, to) -> {
            float[] row = new float[n];
            for (int i = from; i < to; i++) {
                java.util.Arrays.fill(row, 0f);
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (av == 0f) continue;
                    if (!transB) {
                        int bo = bOff + p * ldb;
                        for (int j = 0; j < n; j++) row[j] += av * b[bo + j];
                    } else {
                        for (int j = 0; j < n; j++) row[j] += av * b[bOff + j * ldb + p];
                    }
                }
                int co = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[co + j] = alpha * row[j] + (beta == 0f ? 0f : beta * c[co + j]);
            }
        });
    }

    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        CpuThreads.parallelFor(m, Math.max(1, 16384 / Math.max(1, n * Math.max(1, k / 64))), (from, to) -> {
            double[] row = new double[n];
            for (int i = from; i < to; i++) {
                java.util.Arrays.fill(row, 0.0);
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (av == 0.0) continue;
                    if (!transB) {
                        int bo = bOff + p * ldb;
                        for (int j = 0; j < n; j++) row[j] += av * b[bo + j];
                    } else {
                        for (int j = 0; j < n; j++) row[j] += av * b[bOff + j * ldb + p];
                    }
                }
                int co = cOff + i * ldc;
                for (int j = 0; j < n; j++) c[co + j] = alpha * row[j] + (beta == 0.0 ? 0.0 : beta * c[co + j]);
            }
        });
    }
}

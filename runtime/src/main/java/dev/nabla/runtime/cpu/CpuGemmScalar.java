package dev.nabla.runtime.cpu;

/**
 * The portable GEMM behind {@link CpuGemm} (used when the {@code jdk.incubator.vector} module is absent or
 * disabled with {@code -Dnabla.cpu.vector=false}). Row-major GEMM on Java arrays: C = alpha * op(A) * op(B) + beta * C, with op = transpose when the flag is
 * set. A is m x k (k x m when transA) with leading dimension lda; B is k x n (n x k when transB) with ldb.
 * Every CPU kernel that needs a matrix product (matmul, conv via im2col, attention) calls this one place.
 *
 * <p>Blocked for the caches: B is packed in KC x NC blocks (rows as separate arrays, so the block stays in L2
 * and each row starts at index 0), A in groups of MR rows; a group accumulates MR rows of C in L1 over one
 * block of B. Row groups run in parallel and share the packed block. Written as plain loops that C2
 * auto-vectorises; products too small to repay packing use direct loops. BLAS semantics for beta == 0: C is
 * not read. The float and double halves are the same code (the double half is generated from the float one).
 */
final class CpuGemmScalar {
    private static final int MR = 4;
    private static final int KC = 256;
    private static final int NC = 512;
    /** m * n * k at or below which the direct loops win. */
    private static final long SMALL = 32 * 32 * 32;

    private CpuGemmScalar() {}

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if ((long) m * n * k <= SMALL) {
            small(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int groups = (m + MR - 1) / MR;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[][] bp = new float[kc][nc];
                int j0 = jc, p0 = pc;
                CpuThreads.parallelFor(kc, Math.max(1, 16384 / nc), (from, to) -> packB(transB, b, bOff, ldb, p0, j0, from, to, nc, bp));
                boolean first = pc == 0;
                CpuThreads.parallelFor(groups, Math.max(1, (1 << 18) / (kc * nc)), (from, to) -> {
                    float[] ap = new float[MR * kc];
                    float[] c0 = new float[nc], c1 = new float[nc], c2 = new float[nc], c3 = new float[nc];
                    for (int g = from; g < to; g++) {
                        int i0 = g * MR, rows = Math.min(MR, m - i0);
                        packA(transA, a, aOff, lda, i0, rows, p0, kc, ap);
                        java.util.Arrays.fill(c0, 0f);
                        java.util.Arrays.fill(c1, 0f);
                        java.util.Arrays.fill(c2, 0f);
                        java.util.Arrays.fill(c3, 0f);
                        kernel(kc, ap, bp, nc, c0, c1, c2, c3);
                        float bt = first ? beta : 1f;
                        store(c0, alpha, bt, c, cOff + i0 * ldc + j0, nc);
                        if (rows > 1) store(c1, alpha, bt, c, cOff + (i0 + 1) * ldc + j0, nc);
                        if (rows > 2) store(c2, alpha, bt, c, cOff + (i0 + 2) * ldc + j0, nc);
                        if (rows > 3) store(c3, alpha, bt, c, cOff + (i0 + 3) * ldc + j0, nc);
                    }
                });
            }
        }
    }

    /**
     * Four rows of C against one packed block of B: every array is indexed by the same {@code j}, which
     * lets C2 vectorise the loop (it will not when two float[] operands have different offsets, as they
     * might alias).
     */
    private static void kernel(int kc, float[] ap, float[][] bp, int nc, float[] c0, float[] c1, float[] c2, float[] c3) {
        for (int p = 0; p < kc; p++) {
            float[] row = bp[p];
            int q = p * MR;
            float a0 = ap[q], a1 = ap[q + 1], a2 = ap[q + 2], a3 = ap[q + 3];
            for (int j = 0; j < nc; j++) {
                float bv = row[j];
                c0[j] += a0 * bv;
                c1[j] += a1 * bv;
                c2[j] += a2 * bv;
                c3[j] += a3 * bv;
            }
        }
    }

    /** bp[p][j] = op(B)[p0 + p][j0 + j] for p in [from, to). */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int j0, int from, int to, int nc, float[][] bp) {
        if (!transB) {
            for (int p = from; p < to; p++) System.arraycopy(b, bOff + (p0 + p) * ldb + j0, bp[p], 0, nc);
        } else {
            // A transpose: two rows of B at a time, each read along, each write filling two adjacent elements.
            int j = 0;
            for (; j + 1 < nc; j += 2) {
                int s0 = bOff + (j0 + j) * ldb + p0, s1 = s0 + ldb;
                for (int p = from; p < to; p++) {
                    float[] row = bp[p];
                    row[j] = b[s0 + p];
                    row[j + 1] = b[s1 + p];
                }
            }
            if (j < nc) {
                int s0 = bOff + (j0 + j) * ldb + p0;
                for (int p = from; p < to; p++) bp[p][j] = b[s0 + p];
            }
        }
    }

    /** ap[p * MR + r] = op(A)[i0 + r][p0 + p]; rows past the matrix are zero. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc, float[] ap) {
        if (rows < MR) java.util.Arrays.fill(ap, 0f);
        if (!transA) {
            for (int r = 0; r < rows; r++) {
                int base = aOff + (i0 + r) * lda + p0;
                for (int p = 0; p < kc; p++) ap[p * MR + r] = a[base + p];
            }
        } else {
            // op(A) row i is column i of A: the group's rows are consecutive along each row of A.
            for (int p = 0, src = aOff + p0 * lda + i0; p < kc; p++, src += lda) {
                for (int r = 0; r < rows; r++) ap[p * MR + r] = a[src + r];
            }
        }
    }

    /** C row = alpha * acc + beta * C row (beta == 0 ignores C, NaNs included, as BLAS does). */
    private static void store(float[] acc, float alpha, float beta, float[] c, int off, int nc) {
        if (beta == 0f) {
            for (int j = 0; j < nc; j++) c[off + j] = alpha * acc[j];
        } else if (beta == 1f) {
            for (int j = 0; j < nc; j++) c[off + j] += alpha * acc[j];
        } else {
            for (int j = 0; j < nc; j++) c[off + j] = alpha * acc[j] + beta * c[off + j];
        }
    }

    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int o = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, o, o + n, 0f);
            else if (beta != 1f) for (int j = 0; j < n; j++) c[o + j] *= beta;
        }
    }

    /** Direct loops for products too small to repay packing. */
    static void small(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (!transB) {
                    int bo = bOff + p * ldb;
                    for (int j = 0; j < n; j++) row[j] += av * b[bo + j];
                } else {
                    for (int j = 0; j < n; j++) row[j] += av * b[bOff + j * ldb + p];
                }
            }
            store(row, alpha, beta, c, cOff + i * ldc, n);
        }
    }

    // ---------------------------------------------------------------- float64 (same code)

    static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0.0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if ((long) m * n * k <= SMALL) {
            small(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int groups = (m + MR - 1) / MR;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                double[][] bp = new double[kc][nc];
                int j0 = jc, p0 = pc;
                CpuThreads.parallelFor(kc, Math.max(1, 16384 / nc), (from, to) -> packB(transB, b, bOff, ldb, p0, j0, from, to, nc, bp));
                boolean first = pc == 0;
                CpuThreads.parallelFor(groups, Math.max(1, (1 << 18) / (kc * nc)), (from, to) -> {
                    double[] ap = new double[MR * kc];
                    double[] c0 = new double[nc], c1 = new double[nc], c2 = new double[nc], c3 = new double[nc];
                    for (int g = from; g < to; g++) {
                        int i0 = g * MR, rows = Math.min(MR, m - i0);
                        packA(transA, a, aOff, lda, i0, rows, p0, kc, ap);
                        java.util.Arrays.fill(c0, 0.0);
                        java.util.Arrays.fill(c1, 0.0);
                        java.util.Arrays.fill(c2, 0.0);
                        java.util.Arrays.fill(c3, 0.0);
                        kernel(kc, ap, bp, nc, c0, c1, c2, c3);
                        double bt = first ? beta : 1.0;
                        store(c0, alpha, bt, c, cOff + i0 * ldc + j0, nc);
                        if (rows > 1) store(c1, alpha, bt, c, cOff + (i0 + 1) * ldc + j0, nc);
                        if (rows > 2) store(c2, alpha, bt, c, cOff + (i0 + 2) * ldc + j0, nc);
                        if (rows > 3) store(c3, alpha, bt, c, cOff + (i0 + 3) * ldc + j0, nc);
                    }
                });
            }
        }
    }

    /**
     * Four rows of C against one packed block of B: every array is indexed by the same {@code j}, which
     * lets C2 vectorise the loop (it will not when two double[] operands have different offsets, as they
     * might alias).
     */
    private static void kernel(int kc, double[] ap, double[][] bp, int nc, double[] c0, double[] c1, double[] c2, double[] c3) {
        for (int p = 0; p < kc; p++) {
            double[] row = bp[p];
            int q = p * MR;
            double a0 = ap[q], a1 = ap[q + 1], a2 = ap[q + 2], a3 = ap[q + 3];
            for (int j = 0; j < nc; j++) {
                double bv = row[j];
                c0[j] += a0 * bv;
                c1[j] += a1 * bv;
                c2[j] += a2 * bv;
                c3[j] += a3 * bv;
            }
        }
    }

    /** bp[p][j] = op(B)[p0 + p][j0 + j] for p in [from, to). */
    private static void packB(boolean transB, double[] b, int bOff, int ldb, int p0, int j0, int from, int to, int nc, double[][] bp) {
        if (!transB) {
            for (int p = from; p < to; p++) System.arraycopy(b, bOff + (p0 + p) * ldb + j0, bp[p], 0, nc);
        } else {
            // A transpose: two rows of B at a time, each read along, each write filling two adjacent elements.
            int j = 0;
            for (; j + 1 < nc; j += 2) {
                int s0 = bOff + (j0 + j) * ldb + p0, s1 = s0 + ldb;
                for (int p = from; p < to; p++) {
                    double[] row = bp[p];
                    row[j] = b[s0 + p];
                    row[j + 1] = b[s1 + p];
                }
            }
            if (j < nc) {
                int s0 = bOff + (j0 + j) * ldb + p0;
                for (int p = from; p < to; p++) bp[p][j] = b[s0 + p];
            }
        }
    }

    /** ap[p * MR + r] = op(A)[i0 + r][p0 + p]; rows past the matrix are zero. */
    private static void packA(boolean transA, double[] a, int aOff, int lda, int i0, int rows, int p0, int kc, double[] ap) {
        if (rows < MR) java.util.Arrays.fill(ap, 0.0);
        if (!transA) {
            for (int r = 0; r < rows; r++) {
                int base = aOff + (i0 + r) * lda + p0;
                for (int p = 0; p < kc; p++) ap[p * MR + r] = a[base + p];
            }
        } else {
            // op(A) row i is column i of A: the group's rows are consecutive along each row of A.
            for (int p = 0, src = aOff + p0 * lda + i0; p < kc; p++, src += lda) {
                for (int r = 0; r < rows; r++) ap[p * MR + r] = a[src + r];
            }
        }
    }

    /** C row = alpha * acc + beta * C row (beta == 0 ignores C, NaNs included, as BLAS does). */
    private static void store(double[] acc, double alpha, double beta, double[] c, int off, int nc) {
        if (beta == 0.0) {
            for (int j = 0; j < nc; j++) c[off + j] = alpha * acc[j];
        } else if (beta == 1.0) {
            for (int j = 0; j < nc; j++) c[off + j] += alpha * acc[j];
        } else {
            for (int j = 0; j < nc; j++) c[off + j] = alpha * acc[j] + beta * c[off + j];
        }
    }

    static void scale(int m, int n, double beta, double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int o = cOff + i * ldc;
            if (beta == 0.0) java.util.Arrays.fill(c, o, o + n, 0.0);
            else if (beta != 1.0) for (int j = 0; j < n; j++) c[o + j] *= beta;
        }
    }

    /** Direct loops for products too small to repay packing. */
    static void small(boolean transA, boolean transB, int m, int n, int k, double alpha,
                              double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                              double beta, double[] c, int cOff, int ldc) {
        double[] row = new double[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0.0);
            for (int p = 0; p < k; p++) {
                double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (!transB) {
                    int bo = bOff + p * ldb;
                    for (int j = 0; j < n; j++) row[j] += av * b[bo + j];
                } else {
                    for (int j = 0; j < n; j++) row[j] += av * b[bOff + j * ldb + p];
                }
            }
            store(row, alpha, beta, c, cOff + i * ldc, n);
        }
    }
}

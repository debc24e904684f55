package dev.nabla.runtime.cpu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Row-major GEMM on Java arrays: C = alpha * op(A) * op(B) + beta * C, with op = transpose when the flag is
 * set. A is m x k (k x m when transA) with leading dimension lda; B is k x n (n x k when transB) with ldb;
 * C is m x n with ldc. BLAS semantics for beta == 0: C is not read (NaNs in it do not propagate).
 * Every CPU kernel that needs a matrix product (matmul, conv via im2col, attention) calls this one place.
 *
 * <p>Two implementations: a register-tiled one on the {@code jdk.incubator.vector} API
 * ({@link CpuGemmVectorF}, {@link CpuGemmVectorD}), chosen when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} and the CPU has vectors of at least 256 bits, and the portable
 * {@link CpuGemmScalar} otherwise, or when {@code -Dnabla.cpu.vector=false}. The vector classes are only
 * loaded when chosen, so a JVM without the module never links them.
 */
public final class CpuGemm {
    private static final Logger LOG = LoggerFactory.getLogger(CpuGemm.class);
    /** True when the Vector API path is in use. */
    static final boolean VECTOR = selectVector();

    private CpuGemm() {}

    private static boolean selectVector() {
        if (!Boolean.parseBoolean(System.getProperty("nabla.cpu.vector", "true"))) {
            LOG.info("CPU GEMM: portable scalar path (-Dnabla.cpu.vector=false)");
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.info("CPU GEMM: portable scalar path; run java with --add-modules jdk.incubator.vector for the vectorised one");
            return false;
        }
        try {
            String why = CpuGemmVectorF.unusableReason();
            if (why != null) {
                LOG.info("CPU GEMM: portable scalar path ({})", why);
                return false;
            }
            LOG.info("CPU GEMM: Vector API path ({})", CpuGemmVectorF.describe());
            return true;
        } catch (LinkageError e) {
            LOG.warn("CPU GEMM: the Vector API could not be linked, using the portable scalar path", e);
            return false;
        }
    }

    /** Which implementation runs, for logs and benchmark notes. */
    public static String implementation() {
        return VECTOR ? "vector (" + CpuGemmVectorF.describe() + ")" : "scalar";
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (VECTOR) CpuGemmVectorF.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        else CpuGemmScalar.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    public static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double beta, double[] c, int cOff, int ldc) {
        if (VECTOR) CpuGemmVectorD.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        else CpuGemmScalar.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }
}

package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.NablaException;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.runtime.cudaStream_t;

/**
 * GEMM through cuBLAS on the backend's stream. cuBLAS is column-major; a row-major C = op(A) op(B) is the
 * column-major C^T = op(B)^T op(A)^T, and a row-major matrix read column-major is its transpose, so the
 * call passes B before A with the same transpose flags and m/n swapped: no copies. TF32 tensor-core math
 * (faster, ~10-bit mantissa products) only with {@code -Dnabla.cuda.tf32=true}; by default results match
 * the float32 reference.
 */
final class CublasGemm implements CudaGemm {
    private final CudaContext ctx;
    private final cublasHandle handle = new cublasHandle();
    private final boolean tf32;
    private final int version;

    CublasGemm(CudaContext ctx, boolean tf32) {
        this.ctx = ctx;
        this.tf32 = tf32;
        ctx.makeCurrent();
        JCublas2.setExceptionsEnabled(false);
        status(JCublas2.cublasCreate(handle), "cublasCreate");
        status(JCublas2.cublasSetStream(handle, new cudaStream_t(ctx.stream)), "cublasSetStream");
        status(JCublas2.cublasSetMathMode(handle, tf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH),
                "cublasSetMathMode");
        int[] v = {0};
        JCublas2.cublasGetVersion(handle, v);
        this.version = v[0];
    }

    @Override public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k,
                               Operand a, Operand b, Operand c, int batch, double alpha, double beta) {
        ctx.makeCurrent();
        int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int lda = Math.toIntExact(a.ld()), ldb = Math.toIntExact(b.ld()), ldc = Math.toIntExact(c.ld());
        int s;
        if (dtype == DType.FLOAT32) {
            Pointer al = Pointer.to(new float[]{(float) alpha}), be = Pointer.to(new float[]{(float) beta});
            s = batch == 1
                    ? JCublas2.cublasSgemm(handle, opB, opA, n, m, k, al, b.ptr(), ldb, a.ptr(), lda, be, c.ptr(), ldc)
                    : JCublas2.cublasSgemmStridedBatched(handle, opB, opA, n, m, k, al, b.ptr(), ldb, b.batchStride(),
                            a.ptr(), lda, a.batchStride(), be, c.ptr(), ldc, c.batchStride(), batch);
        } else {
            Pointer al = Pointer.to(new double[]{alpha}), be = Pointer.to(new double[]{beta});
            s = batch == 1
                    ? JCublas2.cublasDgemm(handle, opB, opA, n, m, k, al, b.ptr(), ldb, a.ptr(), lda, be, c.ptr(), ldc)
                    : JCublas2.cublasDgemmStridedBatched(handle, opB, opA, n, m, k, al, b.ptr(), ldb, b.batchStride(),
                            a.ptr(), lda, a.batchStride(), be, c.ptr(), ldc, c.batchStride(), batch);
        }
        status(s, dtype == DType.FLOAT32 ? "cublasSgemm" : "cublasDgemm");
    }

    @Override public String name() { return "cuBLAS"; }

    @Override public String describe() {
        return "cuBLAS " + (version / 10000) + "." + (version / 100 % 100) + " (cublasSgemm/SgemmStridedBatched, TF32 "
                + (tf32 ? "on, -Dnabla.cuda.tf32=true" : "off") + ")";
    }

    private static void status(int s, String what) {
        if (s != 0) throw new NablaException(what + " failed with cuBLAS status " + s);
    }
}

package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import jcuda.driver.CUdeviceptr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A strided-batched row-major GEMM, {@code C[z] = alpha op(A[z]) op(B[z]) + beta C[z]} with element
 * strides between batches (0 broadcasts a matrix), the one primitive matmul and convolution are built on.
 * Two implementations: cuBLAS when JCublas loads ({@link CublasGemm}) and our tiled PTX kernel
 * ({@link PtxGemm}) otherwise, or when forced with {@code -Dnabla.cuda.gemm=ptx}.
 */
interface CudaGemm {
    Logger LOG = LoggerFactory.getLogger(CudaGemm.class);

    /** A matrix operand: the address of batch 0, its leading dimension and batch stride in elements. */
    record Operand(CUdeviceptr ptr, long ld, long batchStride) {}

    void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k,
              Operand a, Operand b, Operand c, int batch, double alpha, double beta);

    /** {@code cuBLAS} or {@code PTX}. */
    String name();

    /** One line for the start-up log and {@code paths()}. */
    String describe();

    static CudaGemm choose(CudaBackend backend, CudaProbe.Result probe) {
        String forced = System.getProperty("nabla.cuda.gemm", "auto").trim().toLowerCase();
        if (!forced.equals("ptx") && probe.cublas()) {
            try {
                return new CublasGemm(backend.ctx, Boolean.getBoolean("nabla.cuda.tf32"));
            } catch (Throwable t) {
                LOG.warn("cuBLAS loaded but could not be set up ({}); matmul uses the PTX GEMM", CudaProbe.summarise(t));
                return new PtxGemm(backend, "cuBLAS set-up failed: " + CudaProbe.summarise(t));
            }
        }
        return new PtxGemm(backend, forced.equals("ptx") ? "forced by -Dnabla.cuda.gemm=ptx" : probe.cublasReason());
    }
}

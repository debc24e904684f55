package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;

/**
 * gemm.cu's {@code gemm_<dt>(A, B, C, M, N, K, transA, transB, lda, ldb, ldc, strideA, strideB, strideC,
 * batch, alpha, beta)}: 128x128 tiles for f32, 16x16 for f64, 256 threads, batches on grid.z.
 */
final class PtxGemm implements CudaGemm {
    static final KernelNames KERNELS = KernelNames.create().add("gemm", KernelNames.FLOATS, "gemm");

    private final CudaBackend backend;
    private final String why;

    PtxGemm(CudaBackend backend, String why) {
        this.backend = backend;
        this.why = why;
    }

    @Override public void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k,
                               Operand a, Operand b, Operand c, int batch, double alpha, double beta) {
        int tile = dtype == DType.FLOAT32 ? 128 : 16;
        long gy = (m + tile - 1) / tile;
        if (gy > 65535) throw new InvalidArgumentException("matmul: m = " + m + " exceeds the PTX GEMM's grid limit of " + 65535L * tile);
        CudaLauncher.Grid grid = new CudaLauncher.Grid((n + tile - 1) / tile, (int) gy, Math.min(batch, 65535), 256);
        backend.launcher.launch("gemm", "gemm_" + dtype.suffix(), grid, a.ptr(), b.ptr(), c.ptr(), m, n, k,
                transA ? 1 : 0, transB ? 1 : 0, a.ld(), b.ld(), c.ld(), a.batchStride(), b.batchStride(), c.batchStride(),
                batch, CudaLauncher.scalar(dtype, alpha), CudaLauncher.scalar(dtype, beta));
    }

    @Override public String name() { return "PTX"; }

    @Override public String describe() { return "PTX tiled GEMM gemm_f32/gemm_f64 (cuBLAS not used: " + why + ")"; }
}

package dev.nabla.runtime.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** {@code cuMemAlloc}/{@code cuMemFree} in the backend's context; out of memory is reported as null. */
final class CudaRawAllocator implements RawAllocator<CUdeviceptr> {
    private final CudaContext ctx;

    CudaRawAllocator(CudaContext ctx) { this.ctx = ctx; }

    @Override public CUdeviceptr allocate(long bytes) {
        ctx.makeCurrent();
        CUdeviceptr p = new CUdeviceptr();
        int r = JCudaDriver.cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) return null;
        CudaErrors.check(r, "cuMemAlloc(" + bytes + " bytes)");
        return p;
    }

    @Override public void free(CUdeviceptr handle) {
        ctx.makeCurrent();
        // work queued on the stream may still read the block: finish it before the driver takes it back
        ctx.synchronize();
        CudaErrors.check(JCudaDriver.cuMemFree(handle), "cuMemFree");
    }
}

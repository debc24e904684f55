package dev.nabla.runtime.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import static dev.nabla.runtime.cuda.CudaErrors.check;

/**
 * One device's primary context and the one stream all of Nabla's work on it is queued on. The primary
 * context (not cuCtxCreate) is what the CUDA runtime, and so cuBLAS, uses too: both see the same memory
 * without peer mapping. One stream keeps every kernel, copy and cuBLAS call in issue order, which is what
 * makes it safe for the allocator to reuse a freed block at once.
 */
final class CudaContext {
    final int index;
    final CUdevice device = new CUdevice();
    final CUcontext context = new CUcontext();
    final CUstream stream = new CUstream();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);

    CudaContext(int index) {
        this.index = index;
        JCudaDriver.setExceptionsEnabled(false);
        check(JCudaDriver.cuInit(0), "cuInit");
        check(JCudaDriver.cuDeviceGet(device, index), "cuDeviceGet(" + index + ")");
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(cuda:" + index + ")");
        makeCurrent();
        // a blocking stream (flags 0): ordered with the legacy default stream that cuBLAS falls back to
        check(JCudaDriver.cuStreamCreate(stream, 0), "cuStreamCreate");
    }

    /** Binds the context to the calling thread (the driver keeps the current context per thread). */
    void makeCurrent() {
        if (!current.get()) {
            check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent(cuda:" + index + ")");
            current.set(true);
        }
    }

    void synchronize() {
        makeCurrent();
        check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize(cuda:" + index + ")");
    }

    String deviceName() {
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        int n = 0;
        while (n < name.length && name[n] != 0) n++;
        return new String(name, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    long totalMemory() {
        long[] bytes = {0};
        JCudaDriver.cuDeviceTotalMem(bytes, device);
        return bytes[0];
    }

    int computeCapability() {
        int[] major = {0}, minor = {0};
        JCudaDriver.cuDeviceGetAttribute(major, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        JCudaDriver.cuDeviceGetAttribute(minor, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        return major[0] * 10 + minor[0];
    }
}

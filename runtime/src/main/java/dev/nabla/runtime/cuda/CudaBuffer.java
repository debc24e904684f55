package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.DeviceMismatchException;
import dev.nabla.runtime.TensorClosedException;
import dev.nabla.runtime.backend.Buffer;
import jcuda.driver.CUdeviceptr;

/** A block of device memory holding {@code size} elements of {@code dtype}, contiguous. */
public final class CudaBuffer implements Buffer {
    final CudaAllocator.Block<CUdeviceptr> block;
    private final DType dtype;
    private final long size;
    private final Device device;

    CudaBuffer(CudaAllocator.Block<CUdeviceptr> block, DType dtype, long size, Device device) {
        this.block = block;
        this.dtype = dtype;
        this.size = size;
        this.device = device;
    }

    @Override public DType dtype() { return dtype; }

    @Override public long size() { return size; }

    @Override public Device device() { return device; }

    /** The device address; throws when the buffer was released. */
    CUdeviceptr ptr() {
        if (!block.isLive()) throw new TensorClosedException("cuda buffer of " + size + " x " + dtype + " was already released");
        return block.handle();
    }

    /** The address of element {@code index}. */
    CUdeviceptr ptr(long index) { return index == 0 ? ptr() : ptr().withByteOffset(index * dtype.byteSize()); }

    /** Casts a buffer from any backend call to the CUDA kind, naming the op when it is not one. */
    static CudaBuffer of(Buffer b, String op) {
        if (b instanceof CudaBuffer c) return c;
        throw new DeviceMismatchException(op + ": expected a cuda buffer, got one on " + (b == null ? "null" : b.device()));
    }

    @Override public String toString() { return "CudaBuffer(" + size + " x " + dtype + " on " + device + ")"; }
}

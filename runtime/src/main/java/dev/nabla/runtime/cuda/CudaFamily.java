package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.backend.Buffer;

/** What every CUDA kernel family shares: the backend, buffer casts, allocation, launches, dtype checks. */
abstract class CudaFamily {
    final CudaBackend backend;

    CudaFamily(CudaBackend backend) { this.backend = backend; }

    static CudaBuffer buf(Buffer b, String op) { return CudaBuffer.of(b, op); }

    /** An uninitialised buffer (every kernel that uses it overwrites it). */
    CudaBuffer alloc(DType dtype, long n) { return backend.allocRaw(dtype, n); }

    CudaBuffer zeros(DType dtype, long n) { return (CudaBuffer) backend.allocate(dtype, n); }

    void free(CudaBuffer b) { if (b != null) backend.release(b); }

    void launch(String family, String kernel, CudaLauncher.Grid grid, Object... args) {
        backend.launcher.launch(family, kernel, grid, args);
    }

    static String k(String op, DType dtype) { return op + "_" + dtype.suffix(); }

    static Object t(DType dtype, double v) { return CudaLauncher.scalar(dtype, v); }

    static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloating()) throw new DTypeMismatchException(op + ": expected FLOAT32 or FLOAT64, got " + dtype);
    }

    static void requireFloat32(String op, DType dtype) {
        if (dtype == DType.FLOAT64) {
            throw new DTypeMismatchException(op + ": FLOAT64 is CPU-only for " + op
                    + " (the CUDA kernels for it are float32); move the tensors to the CPU or use FLOAT32");
        }
        if (dtype != DType.FLOAT32) throw new DTypeMismatchException(op + ": expected FLOAT32, got " + dtype);
    }

    static void requireSame(String op, Buffer a, Buffer b) {
        if (a.dtype() != b.dtype()) {
            throw new DTypeMismatchException(op + ": operands have dtypes " + a.dtype() + " and " + b.dtype() + "; expected the same");
        }
    }
}

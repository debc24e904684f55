package dev.nabla.runtime.cuda;

import dev.nabla.runtime.BackendUnavailableException;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.BackendProvider;

/**
 * The CUDA backend, preferred (rank 100) whenever it can run. {@link #isAvailable()} never throws: the
 * probe ({@link CudaProbe}) catches every failure, from a missing {@code libcuda.so.1} to a driver that
 * rejects our PTX, and turns it into the one-sentence {@link #unavailableReason()}. Select the device
 * with {@code -Dnabla.cuda.device=N}; disable with {@code -Dnabla.cuda.disabled=true}.
 */
public final class CudaBackendProvider implements BackendProvider {
    private static CudaBackend backend;

    @Override public String name() { return "cuda"; }

    @Override public int rank() { return 100; }

    @Override public boolean isAvailable() {
        try {
            return CudaProbe.get().available();
        } catch (Throwable t) {
            return false;
        }
    }

    @Override public String unavailableReason() {
        try {
            CudaProbe.Result r = CudaProbe.get();
            return r.available() ? null : r.reason();
        } catch (Throwable t) {
            return "the CUDA availability check failed: " + t;
        }
    }

    /** Whether cuBLAS loaded (null reason) or why not; meaningful only when the backend is available. */
    public static String cublasUnavailableReason() {
        try {
            return CudaProbe.get().cublasReason();
        } catch (Throwable t) {
            return String.valueOf(t);
        }
    }

    @Override public synchronized Backend create() {
        if (backend != null) return backend;
        CudaProbe.Result r = CudaProbe.get();
        if (!r.available()) throw new BackendUnavailableException("The cuda backend is unavailable: " + r.reason());
        try {
            backend = new CudaBackend(CudaProbe.deviceIndex(), r);
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("The cuda backend could not start on cuda:" + CudaProbe.deviceIndex()
                    + ": " + CudaProbe.summarise(e), e);
        }
        return backend;
    }
}

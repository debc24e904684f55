package dev.nabla.runtime.cuda;

import dev.nabla.runtime.BackendUnavailableException;
import dev.nabla.runtime.Backends;

/**
 * Prints what the CUDA backend finds on this machine: availability (or the reason), device, driver
 * version, cuBLAS, and the path each kernel family takes. Exits 1 when CUDA is unavailable. Used by
 * {@code ci/run-gpu-tests.sh} as a preflight; also handy by hand:
 * {@code java -cp ... dev.nabla.runtime.cuda.CudaInfo}.
 */
public final class CudaInfo {
    private CudaInfo() {}

    public static void main(String[] args) {
        CudaProbe.Result r = CudaProbe.get();
        if (!r.available()) {
            System.out.println("cuda: unavailable: " + r.reason());
            System.exit(1);
        }
        System.out.println("cuda: available");
        System.out.println("devices: " + r.deviceCount());
        System.out.println("device: cuda:" + CudaProbe.deviceIndex() + " " + r.deviceName());
        System.out.println("driver: CUDA " + CudaBackend.driverVersionString(r.driverVersion()));
        System.out.println("cublas: " + (r.cublas() ? "loaded" : "not used: " + r.cublasReason()));
        try {
            CudaBackend b = (CudaBackend) Backends.get("cuda");
            b.paths().forEach((family, path) -> System.out.println("path " + family + ": " + path));
        } catch (BackendUnavailableException e) {
            System.out.println("cuda: failed to start: " + e.getMessage());
            System.exit(1);
        }
    }
}

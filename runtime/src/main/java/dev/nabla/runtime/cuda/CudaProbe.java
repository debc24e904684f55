package dev.nabla.runtime.cuda;

import dev.nabla.kernels.KernelCatalog;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds out, once, whether this machine can run the CUDA backend, and why not. Every step that can fail
 * on a machine without a GPU (loading JCuda's native library, which needs {@code libcuda.so.1}; cuInit;
 * finding a device; retaining its context; loading our PTX) is tried inside a catch of {@link Throwable},
 * since a missing native library surfaces as {@link UnsatisfiedLinkError} the first time and as
 * {@link NoClassDefFoundError} afterwards. cuBLAS is probed separately: it is optional.
 */
final class CudaProbe {
    /** The outcome; {@code reason} is null when usable. */
    record Result(boolean available, String reason, int deviceCount, int driverVersion, String deviceName,
                  boolean cublas, String cublasReason) {}

    private static final Pattern MISSING_LIB = Pattern.compile("([\\w.+-]+\\.so[.\\d]*): cannot open shared object file");
    private static Result result;

    private CudaProbe() {}

    static synchronized Result get() {
        if (result == null) result = run(deviceIndex());
        return result;
    }

    /** {@code -Dnabla.cuda.device}, default 0. */
    static int deviceIndex() {
        try {
            return Integer.parseInt(System.getProperty("nabla.cuda.device", "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Result run(int index) {
        String disabled = System.getProperty("nabla.cuda.disabled");
        if (disabled != null && !disabled.equalsIgnoreCase("false")) {
            return unavailable("CUDA is disabled by -Dnabla.cuda.disabled");
        }
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (Throwable t) {
            return unavailable("no NVIDIA driver (libcuda.so.1) could be loaded: " + summarise(t));
        }
        try {
            int r = JCudaDriver.cuInit(0);
            if (r != CUresult.CUDA_SUCCESS) return unavailable("cuInit failed: " + CudaErrors.describe(r));
            int[] count = {0};
            r = JCudaDriver.cuDeviceGetCount(count);
            if (r != CUresult.CUDA_SUCCESS) return unavailable("cuDeviceGetCount failed: " + CudaErrors.describe(r));
            if (count[0] == 0) return unavailable("the NVIDIA driver loaded but reports no CUDA device");
            if (index >= count[0]) {
                return unavailable("nabla.cuda.device=" + index + " but only " + count[0] + " CUDA device(s) exist");
            }
            int[] version = {0};
            JCudaDriver.cuDriverGetVersion(version);
            CUdevice dev = new CUdevice();
            CudaErrors.check(JCudaDriver.cuDeviceGet(dev, index), "cuDeviceGet");
            byte[] name = new byte[256];
            JCudaDriver.cuDeviceGetName(name, name.length, dev);
            String deviceName = cString(name);
            String ptx = checkPtx(dev);
            if (ptx != null) return new Result(false, ptx, count[0], version[0], deviceName, false, null);
            String cublasReason = probeCublas();
            return new Result(true, null, count[0], version[0], deviceName, cublasReason == null, cublasReason);
        } catch (Throwable t) {
            return unavailable("the CUDA driver could not be initialised: " + summarise(t));
        }
    }

    /** Loads one PTX module in the primary context: catches a driver too old for our PTX ISA. */
    private static String checkPtx(CUdevice dev) {
        CUcontext ctx = new CUcontext();
        int r = JCudaDriver.cuDevicePrimaryCtxRetain(ctx, dev);
        if (r != CUresult.CUDA_SUCCESS) return "the CUDA device's context could not be created: " + CudaErrors.describe(r);
        try {
            JCudaDriver.cuCtxSetCurrent(ctx);
            CUmodule m = new CUmodule();
            String ptx;
            try {
                ptx = KernelCatalog.ptx("elementwise");
            } catch (Throwable t) {
                return "the PTX kernels (nabla-native-kernels) are missing from the class path: " + summarise(t);
            }
            r = JCudaDriver.cuModuleLoadData(m, ptx);
            if (r != CUresult.CUDA_SUCCESS) return "the driver cannot load Nabla's PTX kernels: " + CudaErrors.describe(r);
            JCudaDriver.cuModuleUnload(m);
            return null;
        } finally {
            JCudaDriver.cuDevicePrimaryCtxRelease(dev);
        }
    }

    /** Null when JCublas loads and creates a handle; otherwise why not. Opt out with -Dnabla.cuda.cublas=false. */
    private static String probeCublas() {
        if ("false".equalsIgnoreCase(System.getProperty("nabla.cuda.cublas", "true"))) {
            return "disabled by -Dnabla.cuda.cublas=false";
        }
        try {
            JCublas2.setExceptionsEnabled(false);
            cublasHandle h = new cublasHandle();
            int r = JCublas2.cublasCreate(h);
            if (r != 0) return "cublasCreate failed with status " + r;
            JCublas2.cublasDestroy(h);
            return null;
        } catch (Throwable t) {
            return "cuBLAS could not be loaded (JCublas needs libcublas.so.12): " + summarise(t);
        }
    }

    private static Result unavailable(String reason) { return new Result(false, reason, 0, 0, null, false, null); }

    /** One line from a linkage error's multi-page message: the missing shared object when it names one. */
    static String summarise(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String msg = String.valueOf(c.getMessage());
            Matcher m = MISSING_LIB.matcher(msg);
            if (m.find()) return m.group(1) + " not found (" + c.getClass().getSimpleName() + ")";
        }
        String msg = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
        return t.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }
}

package dev.nabla.runtime.cuda;

import dev.nabla.runtime.NablaException;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/** Driver-API result checking: every call's status goes through {@link #check}, so failures name the call. */
final class CudaErrors {
    private CudaErrors() {}

    /** Throws when {@code result} is not CUDA_SUCCESS, naming {@code what} and the driver's description. */
    static void check(int result, String what) {
        if (result != CUresult.CUDA_SUCCESS) throw new NablaException(what + " failed: " + describe(result));
    }

    /** {@code CUDA_ERROR_X (code): the driver's error string}. */
    static String describe(int result) {
        String[] text = new String[1];
        String desc;
        try {
            desc = JCudaDriver.cuGetErrorString(result, text) == CUresult.CUDA_SUCCESS && text[0] != null ? text[0] : "?";
        } catch (Throwable t) {
            desc = "?";
        }
        return CUresult.stringFor(result) + " (" + result + "): " + desc;
    }
}

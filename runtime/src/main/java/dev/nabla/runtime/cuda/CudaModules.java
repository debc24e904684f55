package dev.nabla.runtime.cuda;

import dev.nabla.kernels.KernelCatalog;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.nabla.runtime.cuda.CudaErrors.check;

/**
 * The PTX modules of one context, loaded the first time a family is used (JIT-compiling PTX takes a
 * few hundred milliseconds per module, so a program that never convolves never pays for conv), and the
 * kernels looked up once and cached by name.
 */
final class CudaModules {
    private final CudaContext ctx;
    private final Map<String, CUmodule> modules = new ConcurrentHashMap<>();
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();

    CudaModules(CudaContext ctx) { this.ctx = ctx; }

    /** The kernel {@code name} of {@code family}'s module. */
    CUfunction function(String family, String name) {
        String key = family + "/" + name;
        CUfunction f = functions.get(key);
        if (f != null) return f;
        synchronized (this) {
            f = functions.get(key);
            if (f != null) return f;
            CUmodule m = module(family);
            f = new CUfunction();
            check(JCudaDriver.cuModuleGetFunction(f, m, name), "cuModuleGetFunction(" + family + "/" + name + ")");
            functions.put(key, f);
            return f;
        }
    }

    /** Whether {@code family}'s PTX has a kernel {@code name} (for optional kernels). */
    static boolean has(String family, String name) { return KernelCatalog.kernelNames(family).contains(name); }

    private CUmodule module(String family) {
        return modules.computeIfAbsent(family, fam -> {
            ctx.makeCurrent();
            CUmodule m = new CUmodule();
            check(JCudaDriver.cuModuleLoadData(m, KernelCatalog.ptx(fam)), "cuModuleLoadData(" + fam + ".ptx)");
            return m;
        });
    }

    /** Unloads every module (backend shutdown). */
    synchronized void unloadAll() {
        ctx.makeCurrent();
        for (CUmodule m : modules.values()) JCudaDriver.cuModuleUnload(m);
        modules.clear();
        functions.clear();
    }
}

package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.NablaException;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * Launches one kernel: checks the launch shape, packs the arguments ({@link CudaBuffer} and
 * {@code CUdeviceptr} as device pointers, {@code null} as a null device pointer, boxed scalars by their
 * Java type, a {@code long[]} or {@link NdLayout} as a struct passed by value) and reports a failure with
 * the kernel's name and the driver's error string. With {@code -Dnabla.cuda.sync=true} every launch is
 * followed by a stream synchronisation, so an asynchronous fault is reported against the kernel that
 * caused it (slow; for debugging).
 */
final class CudaLauncher {
    static final int BLOCK = 256;
    private static final int MAX_LINEAR_GRID = 65535 * 8;
    private static final boolean SYNC = Boolean.getBoolean("nabla.cuda.sync");

    /** A launch shape: grid (x, y, z) of blocks of {@code block} threads, 1-D blocks. */
    record Grid(int x, int y, int z, int block) {
        /** One thread per element, grid-stride beyond {@code 65535 * 8} blocks. */
        static Grid linear(long n) {
            long blocks = Math.max(1, (n + BLOCK - 1) / BLOCK);
            return new Grid((int) Math.min(blocks, MAX_LINEAR_GRID), 1, 1, BLOCK);
        }

        /** One block per row, grid-stride beyond 65535 rows. */
        static Grid rows(long rows, int block) { return new Grid((int) Math.max(1, Math.min(rows, 65535)), 1, 1, block); }

        @Override public String toString() { return "grid (" + x + ", " + y + ", " + z + ") x block " + block; }
    }

    private final CudaContext ctx;
    private final CudaModules modules;

    CudaLauncher(CudaContext ctx, CudaModules modules) {
        this.ctx = ctx;
        this.modules = modules;
    }

    void launch(String family, String kernel, Grid grid, Object... args) {
        if (grid.x < 1 || grid.y < 1 || grid.y > 65535 || grid.z < 1 || grid.z > 65535 || grid.block < 1 || grid.block > 1024) {
            throw new InvalidArgumentException(kernel + ": invalid launch shape " + grid);
        }
        ctx.makeCurrent();
        CUfunction f = modules.function(family, kernel);
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) params[i] = pack(kernel, i, args[i]);
        int r = JCudaDriver.cuLaunchKernel(f, grid.x, grid.y, grid.z, grid.block, 1, 1, 0, ctx.stream,
                Pointer.to(params), null);
        if (r != CUresult.CUDA_SUCCESS) {
            throw new NablaException("kernel " + kernel + " failed to launch with " + grid + ": " + CudaErrors.describe(r));
        }
        if (SYNC) {
            r = JCudaDriver.cuStreamSynchronize(ctx.stream);
            if (r != CUresult.CUDA_SUCCESS) throw new NablaException("kernel " + kernel + " failed: " + CudaErrors.describe(r));
        }
    }

    /** A scalar kernel argument of type T for {@code dtype}: Float for f32, Double for f64, Integer/Long otherwise. */
    static Object scalar(DType dtype, double v) {
        return switch (dtype) {
            case FLOAT32 -> (float) v;
            case FLOAT64 -> v;
            case INT32 -> (int) v;
            case INT64 -> (long) v;
        };
    }

    private static NativePointerObject pack(String kernel, int i, Object a) {
        if (a == null) return Pointer.to(new CUdeviceptr());
        if (a instanceof CudaBuffer b) return Pointer.to(b.ptr());
        if (a instanceof CUdeviceptr p) return Pointer.to(p);
        if (a instanceof Integer v) return Pointer.to(new int[]{v});
        if (a instanceof Long v) return Pointer.to(new long[]{v});
        if (a instanceof Float v) return Pointer.to(new float[]{v});
        if (a instanceof Double v) return Pointer.to(new double[]{v});
        if (a instanceof Boolean v) return Pointer.to(new int[]{v ? 1 : 0});
        if (a instanceof long[] v) return Pointer.to(v);
        if (a instanceof NdLayout l) return Pointer.to(l.packed);
        throw new IllegalArgumentException(kernel + ": argument " + i + " has unsupported type " + a.getClass().getName());
    }
}

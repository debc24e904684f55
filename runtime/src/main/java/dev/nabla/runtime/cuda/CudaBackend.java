package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.*;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.nabla.runtime.cuda.CudaErrors.check;

/**
 * The GPU backend: one device's context and stream ({@link CudaContext}), a caching allocator, lazily
 * loaded PTX modules, and one class per kernel family. Kept thin on purpose: memory and copies here, the
 * arithmetic in the families. Which path each family takes (cuBLAS or our PTX GEMM, im2col convolution)
 * is decided once, logged at start-up and returned by {@link #paths()}.
 */
public final class CudaBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);

    final CudaContext ctx;
    final CudaLauncher launcher;
    private final CudaModules modules;
    private final CudaAllocator<CUdeviceptr> allocator;
    private final Device device;
    private final Map<String, String> paths = new LinkedHashMap<>();

    private final CudaElementwise elementwise;
    private final CudaReduce reduce;
    private final CudaCopy copies;
    private final CudaMatmul matmul;
    private final CudaIndex index;
    private final CudaConv conv;
    private final CudaPool pool;
    private final CudaSoftmax softmax;
    private final CudaNorm norm;
    private final CudaRandom random;
    private final CudaAttention attention;
    private final CudaLoss loss;

    CudaBackend(int deviceIndex, CudaProbe.Result probe) {
        this.device = Device.cuda(deviceIndex);
        this.ctx = new CudaContext(deviceIndex);
        this.modules = new CudaModules(ctx);
        this.launcher = new CudaLauncher(ctx, modules);
        this.allocator = new CudaAllocator<>(new CudaRawAllocator(ctx), device.toString());
        CudaGemm gemm = CudaGemm.choose(this, probe);
        this.elementwise = new CudaElementwise(this);
        this.copies = new CudaCopy(this);
        this.reduce = new CudaReduce(this);
        this.matmul = new CudaMatmul(this, gemm);
        this.index = new CudaIndex(this);
        this.conv = new CudaConv(this, gemm);
        this.pool = new CudaPool(this);
        this.softmax = new CudaSoftmax(this);
        this.norm = new CudaNorm(this);
        this.random = new CudaRandom(this);
        this.attention = new CudaAttention(this);
        this.loss = new CudaLoss(this);
        paths.put("matmul", gemm.describe());
        paths.put("conv", "im2col + " + gemm.name() + " GEMM (cuDNN is not used)");
        paths.put("attention", "PTX flash attention, float32 (online softmax, no T x T matrix)");
        paths.put("elementwise, reduce, copy, index, pool, softmax, norm, random, loss", "PTX kernels");
        LOG.info("Nabla CUDA backend on {} ({}, compute {}.{}, {} GiB, driver {}): {}", device, ctx.deviceName(),
                ctx.computeCapability() / 10, ctx.computeCapability() % 10, ctx.totalMemory() >> 30,
                driverVersionString(probe.driverVersion()), paths);
    }

    /** Which implementation each family uses, e.g. {@code matmul -> cuBLAS ...}. */
    public Map<String, String> paths() { return Collections.unmodifiableMap(paths); }

    /** A timer on this backend's stream. */
    public CudaTimer timer() { return new CudaTimer(ctx); }

    /** The device's name as the driver reports it. */
    public String deviceName() { return ctx.deviceName(); }

    static String driverVersionString(int v) { return v <= 0 ? "unknown" : (v / 1000) + "." + (v % 1000) / 10; }

    @Override public String name() { return "cuda"; }

    @Override public Device device() { return device; }

    // ---- memory ----

    /** An uninitialised buffer; every family allocates its outputs through this. */
    CudaBuffer allocRaw(DType dtype, long size) {
        if (size < 0) throw new InvalidArgumentException("cuda allocate: negative size " + size);
        return new CudaBuffer(allocator.allocate(size * dtype.byteSize()), dtype, size, device);
    }

    @Override public Buffer allocate(DType dtype, long size) {
        CudaBuffer b = allocRaw(dtype, size);
        if (size > 0) {
            ctx.makeCurrent();
            check(JCudaDriver.cuMemsetD8Async(b.ptr(), (byte) 0, b.byteSize(), ctx.stream), "cuMemsetD8Async");
        }
        return b;
    }

    @Override public Buffer full(DType dtype, long size, double value) {
        CudaBuffer b = allocRaw(dtype, size);
        if (size > 0) launcher.launch("elementwise", "fill_" + dtype.suffix(), CudaLauncher.Grid.linear(size), b, size,
                CudaLauncher.scalar(dtype, value));
        return b;
    }

    @Override public Buffer fromArray(Object array, DType dtype) {
        Object host = HostArrays.convert(array, dtype);
        long n = HostArrays.length(host);
        CudaBuffer b = allocRaw(dtype, n);
        if (n > 0) {
            ctx.makeCurrent();
            check(JCudaDriver.cuMemcpyHtoDAsync(b.ptr(), HostArrays.pointer(host), b.byteSize(), ctx.stream), "cuMemcpyHtoDAsync");
            ctx.synchronize(); // the Java array may move or die once we return
        }
        return b;
    }

    @Override public Object toArray(Buffer buffer) {
        CudaBuffer b = CudaBuffer.of(buffer, "toArray");
        if (b.size() > Integer.MAX_VALUE - 8) {
            throw new InvalidArgumentException("toArray: " + b.size() + " elements do not fit a Java array");
        }
        Object host = HostArrays.allocate(b.dtype(), (int) b.size());
        if (b.size() > 0) {
            ctx.makeCurrent();
            check(JCudaDriver.cuMemcpyDtoHAsync(HostArrays.pointer(host), b.ptr(), b.byteSize(), ctx.stream), "cuMemcpyDtoHAsync");
            ctx.synchronize();
        }
        return host;
    }

    @Override public double getDouble(Buffer buffer, long index) {
        CudaBuffer b = CudaBuffer.of(buffer, "getDouble");
        if (index < 0 || index >= b.size()) {
            throw new InvalidArgumentException("getDouble: index " + index + " out of range for " + b.size() + " elements");
        }
        Object host = HostArrays.allocate(b.dtype(), 1);
        ctx.makeCurrent();
        check(JCudaDriver.cuMemcpyDtoHAsync(HostArrays.pointer(host), b.ptr(index), b.dtype().byteSize(), ctx.stream), "cuMemcpyDtoHAsync");
        ctx.synchronize();
        return HostArrays.get(host, 0);
    }

    @Override public Buffer copy(Buffer src) {
        CudaBuffer s = CudaBuffer.of(src, "copy");
        CudaBuffer b = allocRaw(s.dtype(), s.size());
        copyInto(s, b);
        return b;
    }

    @Override public void copyInto(Buffer src, Buffer dst) {
        CudaBuffer s = CudaBuffer.of(src, "copyInto"), t = CudaBuffer.of(dst, "copyInto");
        if (s.dtype() != t.dtype() || s.size() != t.size()) {
            throw new DTypeMismatchException("copyInto: source is " + s.size() + " x " + s.dtype()
                    + " but destination is " + t.size() + " x " + t.dtype() + "; expected the same size and dtype");
        }
        if (s.size() == 0 || s == t) return;
        ctx.makeCurrent();
        check(JCudaDriver.cuMemcpyDtoDAsync(t.ptr(), s.ptr(), s.byteSize(), ctx.stream), "cuMemcpyDtoDAsync");
    }

    @Override public Buffer cast(Buffer src, DType dtype) {
        CudaBuffer s = CudaBuffer.of(src, "cast");
        if (s.dtype() == dtype) return copy(s);
        CudaBuffer b = allocRaw(dtype, s.size());
        if (s.size() > 0) launcher.launch("elementwise", castKernel(s.dtype(), dtype), CudaLauncher.Grid.linear(s.size()), s, b, s.size());
        return b;
    }

    static String castKernel(DType from, DType to) { return "cast_" + from.suffix() + "_to_" + to.suffix(); }

    /** {@code b} as INT64 (the index kernels' type): itself when it already is, else a converted copy. */
    CudaBuffer asInt64(CudaBuffer b, String op) {
        if (b.dtype() == DType.INT64) return b;
        if (b.dtype() != DType.INT32) throw new DTypeMismatchException(op + ": indices must be INT32 or INT64, got " + b.dtype());
        return (CudaBuffer) cast(b, DType.INT64);
    }

    @Override public void release(Buffer buffer) {
        CudaBuffer b = CudaBuffer.of(buffer, "release");
        allocator.free(b.block);
    }

    @Override public MemoryStats memoryStats() { return allocator.stats(); }

    @Override public void resetPeak() { allocator.resetPeak(); }

    @Override public void emptyCache() {
        synchronize();
        allocator.emptyCache();
    }

    @Override public void synchronize() { ctx.synchronize(); }

    /** Raw driver allocations so far; constant across warm training steps. */
    public long rawAllocations() { return allocator.rawAllocations(); }

    // ---- kernels by family ----

    @Override public ElementwiseKernels elementwise() { return elementwise; }

    @Override public ReduceKernels reduce() { return reduce; }

    @Override public CopyKernels copies() { return copies; }

    CudaCopy copy() { return copies; }

    CudaElementwise ew() { return elementwise; }

    @Override public MatmulKernels matmul() { return matmul; }

    @Override public IndexKernels index() { return index; }

    @Override public ConvKernels conv() { return conv; }

    @Override public PoolKernels pool() { return pool; }

    @Override public SoftmaxKernels softmax() { return softmax; }

    @Override public NormKernels norm() { return norm; }

    @Override public RandomKernels random() { return random; }

    @Override public AttentionKernels attention() { return attention; }

    @Override public LossKernels loss() { return loss; }

    @Override public String toString() { return "CudaBackend(" + device + ", " + ctx.deviceName() + ")"; }

    /** For the launcher's pointer arithmetic on sub-ranges (group offsets in conv, etc.). */
    static CUdeviceptr offset(CudaBuffer b, long elements) { return b.ptr(elements); }

    static Pointer hostScalar(DType dtype, double v) {
        return dtype == DType.FLOAT64 ? Pointer.to(new double[]{v}) : Pointer.to(new float[]{(float) v});
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.*;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference backend, in pure Java. Memory is Java arrays; the figures count live buffers so that
 * leaks show up in tests exactly as they would on the GPU.
 */
public final class CpuBackend implements Backend {
    private static final CpuBackend INSTANCE = new CpuBackend();

    private final AtomicLong allocated = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong live = new AtomicLong();

    private final CpuElementwise elementwise = new CpuElementwise();
    private final CpuReduce reduce = new CpuReduce();
    private final CpuCopy copies = new CpuCopy();
    private final CpuMatmul matmul = new CpuMatmul();
    private final CpuIndex index = new CpuIndex();
    private final CpuConv conv = new CpuConv();
    private final CpuPool pool = new CpuPool();
    private final CpuSoftmax softmax = new CpuSoftmax();
    private final CpuNorm norm = new CpuNorm();
    private final CpuRandom random = new CpuRandom();
    private final CpuAttention attention = new CpuAttention();
    private final CpuLoss loss = new CpuLoss();
    private final CpuOptim optim = new CpuOptim();

    private CpuBackend() {}

    public static CpuBackend instance() { return INSTANCE; }

    @Override public String name() { return "cpu"; }

    @Override public Device device() { return Device.CPU; }

    /** Released buffers kept for reuse; see {@link CpuBufferPool}. */
    private final CpuBufferPool bufferPool = new CpuBufferPool(CpuBufferPool.defaultCapacity());

    /**
     * A zeroed buffer, counted; every CPU kernel allocates its outputs through this or
     * {@link #allocUninitialized}. Reuses a released buffer of the same dtype and length when one is free.
     */
    static CpuBuffer alloc(DType dtype, long size) {
        CpuBuffer b = INSTANCE.bufferPool.take(dtype, size);
        if (b != null) {
            switch (dtype) {
                case FLOAT32 -> Arrays.fill(b.f, 0f);
                case FLOAT64 -> Arrays.fill(b.d, 0.0);
                case INT32 -> Arrays.fill(b.i, 0);
                case INT64 -> Arrays.fill(b.l, 0L);
            }
        } else {
            b = CpuBuffer.allocate(dtype, size);
        }
        INSTANCE.track(b.byteSize());
        return b;
    }

    /**
     * A counted buffer whose contents are unspecified (a released buffer's old values, or zeros): only for
     * kernels that write every element before anything reads it, which saves the zeroing pass of
     * {@link #alloc} on the large outputs of a training step.
     */
    static CpuBuffer allocUninitialized(DType dtype, long size) {
        CpuBuffer b = INSTANCE.bufferPool.take(dtype, size);
        if (b == null) b = CpuBuffer.allocate(dtype, size);
        if (POISON) poison(b);
        INSTANCE.track(b.byteSize());
        return b;
    }

    /**
     * With {@code -Dnabla.cpu.poison=true} (the test suites set it), {@link #allocUninitialized} fills every
     * buffer with NaN (integers: a large negative value), so that a kernel which leaves an element unwritten
     * fails its tests instead of passing on the zeros of a fresh array.
     */
    private static final boolean POISON = Boolean.getBoolean("nabla.cpu.poison");

    private static void poison(CpuBuffer b) {
        switch (b.dtype) {
            case FLOAT32 -> Arrays.fill(b.f, Float.NaN);
            case FLOAT64 -> Arrays.fill(b.d, Double.NaN);
            case INT32 -> Arrays.fill(b.i, Integer.MIN_VALUE + 7);
            case INT64 -> Arrays.fill(b.l, Long.MIN_VALUE + 7);
        }
    }

    private void track(long bytes) {
        long now = allocated.addAndGet(bytes);
        live.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
    }

    @Override public Buffer allocate(DType dtype, long size) { return alloc(dtype, size); }

    @Override public Buffer allocateForOverwrite(DType dtype, long size) { return allocUninitialized(dtype, size); }

    @Override public Buffer full(DType dtype, long size, double value) {
        CpuBuffer b = allocUninitialized(dtype, size); // filled below: one pass, not a zeroing pass and a fill
        fill(b, 0, size, value);
        return b;
    }

    /** b[from, to) = value, converted to b's dtype. */
    static void fill(CpuBuffer b, long from, long to, double value) {
        int f = (int) from, t = (int) to;
        switch (b.dtype) {
            case FLOAT32 -> Arrays.fill(b.f, f, t, (float) value);
            case FLOAT64 -> Arrays.fill(b.d, f, t, value);
            case INT32 -> Arrays.fill(b.i, f, t, (int) value);
            case INT64 -> Arrays.fill(b.l, f, t, (long) value);
        }
    }

    @Override public Buffer pad(Buffer src, Shape srcShape, int[] before, int[] after, double value) {
        return CpuCopy.pad(CpuBuffer.of(src, "pad"), srcShape, before, after, value);
    }

    @Override public Buffer fromArray(Object array, DType dtype) {
        int n;
        if (array instanceof float[] a) n = a.length;
        else if (array instanceof double[] a) n = a.length;
        else if (array instanceof int[] a) n = a.length;
        else if (array instanceof long[] a) n = a.length;
        else throw new InvalidArgumentException("fromArray: expected float[], double[], int[] or long[], got "
                    + (array == null ? "null" : array.getClass().getSimpleName()));
        CpuBuffer b = alloc(dtype, n);
        if (array instanceof float[] a) {
            if (dtype == DType.FLOAT32) System.arraycopy(a, 0, b.f, 0, n);
            else for (int k = 0; k < n; k++) b.set(k, a[k]);
        } else if (array instanceof double[] a) {
            if (dtype == DType.FLOAT64) System.arraycopy(a, 0, b.d, 0, n);
            else for (int k = 0; k < n; k++) b.set(k, a[k]);
        } else if (array instanceof int[] a) {
            if (dtype == DType.INT32) System.arraycopy(a, 0, b.i, 0, n);
            else for (int k = 0; k < n; k++) b.set(k, a[k]);
        } else {
            long[] a = (long[]) array;
            if (dtype == DType.INT64) System.arraycopy(a, 0, b.l, 0, n);
            else for (int k = 0; k < n; k++) b.set(k, (double) a[k]);
        }
        return b;
    }

    @Override public Object toArray(Buffer buffer) {
        CpuBuffer b = CpuBuffer.of(buffer, "toArray");
        return switch (b.dtype) {
            case FLOAT32 -> b.f.clone();
            case FLOAT64 -> b.d.clone();
            case INT32 -> b.i.clone();
            case INT64 -> b.l.clone();
        };
    }

    @Override public double getDouble(Buffer buffer, long index) {
        CpuBuffer b = CpuBuffer.of(buffer, "getDouble");
        if (index < 0 || index >= b.size) {
            throw new InvalidArgumentException("getDouble: index " + index + " out of range for " + b.size + " elements");
        }
        return b.get((int) index);
    }

    @Override public Buffer copy(Buffer src) {
        CpuBuffer s = CpuBuffer.of(src, "copy");
        CpuBuffer b = allocUninitialized(s.dtype, s.size); // written whole by copyInto
        copyInto(s, b);
        return b;
    }

    @Override public void copyInto(Buffer src, Buffer dst) {
        CpuBuffer s = CpuBuffer.of(src, "copyInto"), t = CpuBuffer.of(dst, "copyInto");
        if (s.dtype != t.dtype || s.size != t.size) {
            throw new DTypeMismatchException("copyInto: source is " + s.size + " x " + s.dtype
                    + " but destination is " + t.size + " x " + t.dtype + "; expected the same size and dtype");
        }
        // Large copies (a gradient's first accumulation into .grad) on every thread, with the copy kernels' grain.
        Object from = CpuCopy.array(s), to = CpuCopy.array(t);
        CpuThreads.parallelFor(s.size, CpuCopy.GRAIN, (a, b) -> System.arraycopy(from, a, to, a, b - a));
    }

    @Override public Buffer cast(Buffer src, DType dtype) {
        CpuBuffer s = CpuBuffer.of(src, "cast");
        if (s.dtype == dtype) return copy(s);
        CpuBuffer b = alloc(dtype, s.size);
        if (dtype.isFloating() || s.dtype.isFloating()) {
            for (int k = 0; k < s.size; k++) b.set(k, s.get(k));
        } else {
            for (int k = 0; k < s.size; k++) {
                long v = s.getLong(k);
                if (dtype == DType.INT32) b.i[k] = (int) v; else b.l[k] = v;
            }
        }
        return b;
    }

    @Override public void release(Buffer buffer) {
        CpuBuffer b = CpuBuffer.of(buffer, "release");
        allocated.addAndGet(-b.byteSize());
        live.decrementAndGet();
        bufferPool.offer(b);
    }

    @Override public MemoryStats memoryStats() {
        long a = allocated.get();
        return new MemoryStats(a, a + bufferPool.bytes(), peak.get(), live.get());
    }

    @Override public void resetPeak() { peak.set(allocated.get()); }

    @Override public void emptyCache() { bufferPool.clear(); }

    @Override public void synchronize() {}

    @Override public ElementwiseKernels elementwise() { return elementwise; }

    @Override public ReduceKernels reduce() { return reduce; }

    @Override public CopyKernels copies() { return copies; }

    @Override public MatmulKernels matmul() { return matmul; }

    @Override public IndexKernels index() { return index; }

    @Override public ConvKernels conv() { return conv; }

    @Override public PoolKernels pool() { return pool; }

    @Override public SoftmaxKernels softmax() { return softmax; }

    @Override public NormKernels norm() { return norm; }

    @Override public RandomKernels random() { return random; }

    @Override public AttentionKernels attention() { return attention; }

    @Override public LossKernels loss() { return loss; }

    @Override public OptimKernels optim() { return optim; }

    @Override public String toString() { return "CpuBackend(threads=" + CpuThreads.threads() + ")"; }
}

package dev.nabla.runtime.backend;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;

/**
 * A device's memory and kernels. Backends work on {@link Buffer}s and know nothing of tensors,
 * autograd or layers; the op catalogue in {@code dev.nabla.runtime.ops} builds every differentiable
 * op from these primitives. Kernels are grouped by op family, one interface each.
 */
public interface Backend {
    String name();

    Device device();

    // ---- memory ----

    /** A zero-filled buffer. */
    Buffer allocate(DType dtype, long size);

    Buffer full(DType dtype, long size, double value);

    /**
     * A buffer whose every element the caller writes before anything reads it. By default {@link #allocate}
     * (zero-filled); a backend may skip the fill.
     */
    default Buffer allocateForOverwrite(DType dtype, long size) { return allocate(dtype, size); }

    /** A buffer holding a copy of {@code array} (float[], double[], int[] or long[]) converted to {@code dtype}. */
    Buffer fromArray(Object array, DType dtype);

    /**
     * {@code src} (shape {@code srcShape}) with {@code before[d]} and {@code after[d]} elements of {@code value}
     * added at the two ends of each dim d (all >= 0): a new contiguous buffer. By default a buffer filled with
     * {@code value} and the source written into its interior; a backend may write every element once.
     */
    default Buffer pad(Buffer src, dev.nabla.runtime.Shape srcShape, int[] before, int[] after, double value) {
        int r = srcShape.rank();
        int[] out = new int[r];
        for (int d = 0; d < r; d++) out[d] = srcShape.dim(d) + before[d] + after[d];
        dev.nabla.runtime.Shape outShape = dev.nabla.runtime.Shape.of(out);
        Buffer y = full(src.dtype(), outShape.numel(), value);
        long[] os = outShape.strides();
        long offset = 0;
        for (int d = 0; d < r; d++) offset += before[d] * os[d];
        if (srcShape.numel() > 0) copies().stridedWrite(y, offset, os, src, srcShape);
        return y;
    }

    /** A Java array of the buffer's own element type: float[], double[], int[] or long[]. */
    Object toArray(Buffer buffer);

    double getDouble(Buffer buffer, long index);

    Buffer copy(Buffer src);

    /** Overwrites dst with src (same size, same dtype). */
    void copyInto(Buffer src, Buffer dst);

    Buffer cast(Buffer src, DType dtype);

    void release(Buffer buffer);

    MemoryStats memoryStats();

    void resetPeak();

    /** Returns cached free blocks to the system (a no-op where nothing is cached). */
    void emptyCache();

    /** Waits for all queued work. */
    void synchronize();

    // ---- kernels by family ----

    ElementwiseKernels elementwise();

    ReduceKernels reduce();

    CopyKernels copies();

    MatmulKernels matmul();

    IndexKernels index();

    ConvKernels conv();

    PoolKernels pool();

    SoftmaxKernels softmax();

    NormKernels norm();

    RandomKernels random();

    AttentionKernels attention();

    LossKernels loss();

    /** Fused in-place optimiser updates (SGD, Adam/AdamW, Adagrad, RMSProp). */
    OptimKernels optim();
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.backend.Buffer;

/**
 * A Java array of the buffer's dtype: exactly one of {@link #f}, {@link #d}, {@link #i}, {@link #l} is set.
 * Kernels specialise on the array they need; {@link #get}/{@link #set} serve the cold paths.
 */
public final class CpuBuffer implements Buffer {
    final DType dtype;
    final int size;
    public final float[] f;
    public final double[] d;
    public final int[] i;
    public final long[] l;
    /** Set while the buffer sits in {@link CpuBufferPool}; guarded by the buffer's monitor on the way in. */
    volatile boolean pooled;

    CpuBuffer(DType dtype, int size) {
        this.dtype = dtype;
        this.size = size;
        this.f = dtype == DType.FLOAT32 ? new float[size] : null;
        this.d = dtype == DType.FLOAT64 ? new double[size] : null;
        this.i = dtype == DType.INT32 ? new int[size] : null;
        this.l = dtype == DType.INT64 ? new long[size] : null;
    }

    static CpuBuffer allocate(DType dtype, long size) {
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            throw new dev.nabla.runtime.InvalidArgumentException("cpu allocate: " + size + " elements of " + dtype
                    + " do not fit a Java array (at most " + (Integer.MAX_VALUE - 8) + ")");
        }
        return new CpuBuffer(dtype, (int) size);
    }

    @Override public DType dtype() { return dtype; }

    @Override public long size() { return size; }

    public int length() { return size; }

    @Override public Device device() { return Device.CPU; }

    public double get(int idx) {
        return switch (dtype) {
            case FLOAT32 -> f[idx];
            case FLOAT64 -> d[idx];
            case INT32 -> i[idx];
            case INT64 -> l[idx];
        };
    }

    public long getLong(int idx) {
        return switch (dtype) {
            case FLOAT32 -> (long) f[idx];
            case FLOAT64 -> (long) d[idx];
            case INT32 -> i[idx];
            case INT64 -> l[idx];
        };
    }

    public void set(int idx, double v) {
        switch (dtype) {
            case FLOAT32 -> f[idx] = (float) v;
            case FLOAT64 -> d[idx] = v;
            case INT32 -> i[idx] = (int) v;
            case INT64 -> l[idx] = (long) v;
        }
    }

    /** Casts a buffer from any backend call to the CPU kind, naming the op when it is not one. */
    public static CpuBuffer of(Buffer b, String op) {
        if (b instanceof CpuBuffer c) return c;
        throw new dev.nabla.runtime.DeviceMismatchException(op + ": expected a cpu buffer, got one on "
                + (b == null ? "null" : b.device()));
    }
}

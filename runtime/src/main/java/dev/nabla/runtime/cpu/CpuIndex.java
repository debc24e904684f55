package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.IndexKernels;

/**
 * CPU indexing. Indices are read once into an int[] and range-checked before anything is written. The
 * scatter kernels (indexAdd, scatterAdd) split work by output position (outer row x column chunk), so two
 * threads never add into the same element even when indices repeat.
 */
final class CpuIndex implements IndexKernels {
    /**
     * Columns per task in the scatter kernels at most; fewer, down to {@link #MIN_COLS}, where a single row of
     * output (an embedding's gradient, [vocab, width] from [tokens, width]) would otherwise be one task: a
     * Transformer's [96, 128] embedding gradient from 2048 tokens ran on one thread while the other waited.
     */
    private static final int COLS = 512, MIN_COLS = 32;

    @Override public Buffer indexSelect(Buffer x, Shape shape, int axis, Buffer index) {
        CpuBuffer xb = CpuBuffer.of(x, "index_select");
        int outer = (int) shape.numel(0, axis), d = shape.dim(axis), inner = (int) shape.numel(axis + 1, shape.rank());
        int[] idx = indices("index_select", index, d);
        int n = idx.length;
        CpuBuffer out = CpuBackend.allocUninitialized(xb.dtype, (long) outer * n * inner); // every row copied
        Object src = CpuCopy.array(xb), dst = CpuCopy.array(out);
        CpuThreads.parallelFor(outer * n, Math.max(1, 4096 / Math.max(1, inner)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r / n, k = r % n;
                System.arraycopy(src, (o * d + idx[k]) * inner, dst, r * inner, inner);
            }
        });
        return out;
    }

    @Override public Buffer indexAdd(Shape outShape, DType dtype, int axis, Buffer index, Buffer src) {
        CpuBuffer sb = CpuBuffer.of(src, "index_add");
        floating("index_add", dtype, sb);
        int outer = (int) outShape.numel(0, axis), d = outShape.dim(axis), inner = (int) outShape.numel(axis + 1, outShape.rank());
        int[] idx = indices("index_add", index, d);
        int n = idx.length;
        if (sb.size != (long) outer * n * inner) {
            throw new ShapeMismatchException("index_add: source has " + sb.size + " elements, expected " + outer + " x "
                    + n + " x " + inner + " for output " + outShape + " along axis " + axis);
        }
        CpuBuffer out = CpuBackend.alloc(dtype, outShape.numel());
        int cols = columnsPerTask(outer, inner), chunks = (inner + cols - 1) / cols;
        CpuThreads.parallelFor(outer * chunks, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int o = t / chunks, c0 = (t % chunks) * cols, c1 = Math.min(inner, c0 + cols);
                for (int k = 0; k < n; k++) {
                    int so = (o * n + k) * inner, oo = (o * d + idx[k]) * inner;
                    if (out.f != null) {
                        for (int c = c0; c < c1; c++) out.f[oo + c] += sb.f[so + c];
                    } else {
                        for (int c = c0; c < c1; c++) out.d[oo + c] += sb.d[so + c];
                    }
                }
            }
        });
        return out;
    }

    @Override public Buffer gather(Buffer x, Shape shape, int axis, Buffer index, Shape indexShape) {
        CpuBuffer xb = CpuBuffer.of(x, "gather");
        int[] idx = indices("gather", index, shape.dim(axis));
        Geometry g = new Geometry(shape, axis, indexShape);
        CpuBuffer out = CpuBackend.alloc(xb.dtype, indexShape.numel());
        CpuThreads.parallelFor(g.outer * g.k, Math.max(1, 4096 / Math.max(1, g.inner)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r / g.k;
                for (int i = 0; i < g.inner; i++) {
                    int p = r * g.inner + i;
                    int src = g.xOuter[o] + idx[p] * g.axisStride + g.xInner[i];
                    switch (xb.dtype) {
                        case FLOAT32 -> out.f[p] = xb.f[src];
                        case FLOAT64 -> out.d[p] = xb.d[src];
                        case INT32 -> out.i[p] = xb.i[src];
                        case INT64 -> out.l[p] = xb.l[src];
                    }
                }
            }
        });
        return out;
    }

    @Override public Buffer scatterAdd(Shape outShape, DType dtype, int axis, Buffer index, Shape indexShape, Buffer src) {
        CpuBuffer sb = CpuBuffer.of(src, "scatter_add");
        floating("scatter_add", dtype, sb);
        if (sb.size != indexShape.numel()) {
            throw new ShapeMismatchException("scatter_add: source has " + sb.size + " elements but index shape "
                    + indexShape + " has " + indexShape.numel());
        }
        int[] idx = indices("scatter_add", index, outShape.dim(axis));
        Geometry g = new Geometry(outShape, axis, indexShape);
        CpuBuffer out = CpuBackend.alloc(dtype, outShape.numel());
        int cols = columnsPerTask(g.outer, g.inner), chunks = Math.max(1, (g.inner + cols - 1) / cols);
        CpuThreads.parallelFor(g.outer * chunks, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                int o = t / chunks, c0 = (t % chunks) * cols, c1 = Math.min(g.inner, c0 + cols);
                for (int k = 0; k < g.k; k++) {
                    int row = (o * g.k + k) * g.inner;
                    for (int i = c0; i < c1; i++) {
                        int dst = g.xOuter[o] + idx[row + i] * g.axisStride + g.xInner[i];
                        if (out.f != null) out.f[dst] += sb.f[row + i]; else out.d[dst] += sb.d[row + i];
                    }
                }
            }
        });
        return out;
    }

    /**
     * Columns per scatter task: {@link #COLS}, or fewer (not under {@link #MIN_COLS}) so that there are at least as
     * many tasks as threads. Each task owns its output columns, so the split leaves every sum's order unchanged.
     */
    private static int columnsPerTask(int outer, int inner) {
        int threads = CpuThreads.threads();
        if ((long) outer * ((inner + COLS - 1) / COLS) >= threads) return COLS;
        int perRow = (threads + Math.max(1, outer) - 1) / Math.max(1, outer);
        return Math.max(MIN_COLS, Math.min(COLS, (inner + perRow - 1) / perRow));
    }

    @Override public Buffer oneHot(Buffer index, int numClasses, DType dtype) {
        if (numClasses <= 0) throw new InvalidArgumentException("one_hot: numClasses must be > 0, got " + numClasses);
        int[] idx = indices("one_hot", index, numClasses);
        CpuBuffer out = CpuBackend.alloc(dtype, (long) idx.length * numClasses);
        for (int k = 0; k < idx.length; k++) out.set(k * numClasses + idx[k], 1);
        return out;
    }

    /**
     * Offsets into the full tensor for index positions: the index is viewed as [outer, k, inner] around
     * the axis, and its outer/inner coordinates address the full tensor with the full tensor's strides.
     */
    private static final class Geometry {
        final int outer, k, inner, axisStride;
        final int[] xOuter, xInner;

        Geometry(Shape full, int axis, Shape indexShape) {
            int r = full.rank();
            long[] xs = full.strides();
            int[] id = indexShape.dims();
            outer = (int) indexShape.numel(0, axis);
            k = id[axis];
            inner = (int) indexShape.numel(axis + 1, r);
            axisStride = (int) xs[axis];
            xOuter = offsets(id, xs, 0, axis, outer);
            xInner = offsets(id, xs, axis + 1, r, inner);
        }

        private static int[] offsets(int[] dims, long[] strides, int from, int to, int count) {
            int[] out = new int[count];
            for (int p = 0; p < count; p++) {
                long off = 0;
                int rem = p;
                for (int a = to - 1; a >= from; a--) {
                    off += (rem % dims[a]) * strides[a];
                    rem /= dims[a];
                }
                out[p] = (int) off;
            }
            return out;
        }
    }

    /** The index values as ints, each checked to lie in [0, size). */
    private static int[] indices(String op, Buffer index, int size) {
        CpuBuffer ib = CpuBuffer.of(index, op);
        if (ib.dtype != DType.INT32 && ib.dtype != DType.INT64) {
            throw new DTypeMismatchException(op + ": expected INT32 or INT64 indices, got " + ib.dtype);
        }
        int n = ib.size;
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            long v = ib.i != null ? ib.i[k] : ib.l[k];
            if (v < 0 || v >= size) {
                throw new InvalidArgumentException(op + ": index " + v + " (at position " + k
                        + ") is out of range for a dim of size " + size + "; expected 0 <= index < " + size);
            }
            out[k] = (int) v;
        }
        return out;
    }

    private static void floating(String op, DType dtype, CpuBuffer src) {
        if (!dtype.isFloating() || src.dtype != dtype) {
            throw new DTypeMismatchException(op + ": expected a FLOAT32 or FLOAT64 source matching output dtype "
                    + dtype + ", got " + src.dtype);
        }
    }
}

package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.IndexKernels;

/**
 * Indexing with embedding.cu over an {@code [outer, size, inner]} view of the indexed axis. Indices go to
 * the kernels as INT64 (INT32 is widened on the device). The kernels turn a bad index into NaN rather
 * than fault; to throw as the interface promises, indices are range-checked on the host first (one small
 * copy; {@code -Dnabla.cuda.checkIndices=false} skips it for trusted input). A gather whose index is
 * smaller than x in the other dims reads a slice of x; a scatter-add into a larger output writes a slice.
 */
final class CudaIndex extends CudaFamily implements IndexKernels {
    private static final boolean CHECK = !"false".equalsIgnoreCase(System.getProperty("nabla.cuda.checkIndices", "true"));

    static final KernelNames KERNELS = KernelNames.create()
            .add("embedding", KernelNames.ALL, "index_select", "gather", "one_hot")
            .add("embedding", KernelNames.FLOATS, "index_add", "scatter_add");

    CudaIndex(CudaBackend backend) { super(backend); }

    @Override public Buffer indexSelect(Buffer x, Shape shape, int axis, Buffer index) {
        CudaBuffer src = buf(x, "index_select");
        int ax = shape.axis(axis, "index_select");
        CudaBuffer idx = indices(buf(index, "index_select"), shape.dim(ax), "index_select");
        try {
            long outer = shape.numel(0, ax), size = shape.dim(ax), inner = shape.numel(ax + 1, shape.rank()), m = idx.size();
            CudaBuffer out = alloc(src.dtype(), outer * m * inner);
            if (out.size() > 0) {
                launch("embedding", k("index_select", src.dtype()), CudaLauncher.Grid.linear(out.size()), src, idx, out, outer, size, m, inner);
            }
            return out;
        } finally {
            if (idx != index) free(idx);
        }
    }

    @Override public Buffer indexAdd(Shape outShape, DType dtype, int axis, Buffer index, Buffer src) {
        requireFloating("index_add", dtype);
        CudaBuffer s = buf(src, "index_add");
        int ax = outShape.axis(axis, "index_add");
        CudaBuffer idx = indices(buf(index, "index_add"), outShape.dim(ax), "index_add");
        try {
            long outer = outShape.numel(0, ax), size = outShape.dim(ax), inner = outShape.numel(ax + 1, outShape.rank()), m = idx.size();
            if (s.size() != outer * m * inner) {
                throw new InvalidArgumentException("index_add: source has " + s.size() + " elements; expected " + outer + " x " + m + " x " + inner);
            }
            CudaBuffer dst = zeros(dtype, outShape.numel());
            if (s.size() > 0) {
                launch("embedding", k("index_add", dtype), CudaLauncher.Grid.linear(s.size()), s, idx, dst, outer, size, m, inner);
            }
            return dst;
        } finally {
            if (idx != index) free(idx);
        }
    }

    @Override public Buffer gather(Buffer x, Shape shape, int axis, Buffer index, Shape indexShape) {
        CudaBuffer src = buf(x, "gather");
        int ax = shape.axis(axis, "gather");
        checkIndexShape("gather", shape, ax, indexShape);
        CudaBuffer idx = indices(buf(index, "gather"), shape.dim(ax), "gather");
        Shape view = indexShape.with(ax, shape.dim(ax));
        CudaBuffer xs = view.equals(shape) ? src
                : (CudaBuffer) backend.copy().stridedCopy(src, 0, NdLayout.contiguous(shape), view);
        try {
            long outer = view.numel(0, ax), size = view.dim(ax), inner = view.numel(ax + 1, view.rank()), m = indexShape.dim(ax);
            CudaBuffer out = alloc(src.dtype(), indexShape.numel());
            if (out.size() > 0) {
                launch("embedding", k("gather", src.dtype()), CudaLauncher.Grid.linear(out.size()), xs, idx, out, outer, size, m, inner);
            }
            return out;
        } finally {
            if (xs != src) free(xs);
            if (idx != index) free(idx);
        }
    }

    @Override public Buffer scatterAdd(Shape outShape, DType dtype, int axis, Buffer index, Shape indexShape, Buffer src) {
        requireFloating("scatter_add", dtype);
        CudaBuffer s = buf(src, "scatter_add");
        int ax = outShape.axis(axis, "scatter_add");
        checkIndexShape("scatter_add", outShape, ax, indexShape);
        CudaBuffer idx = indices(buf(index, "scatter_add"), outShape.dim(ax), "scatter_add");
        Shape view = indexShape.with(ax, outShape.dim(ax));
        try {
            CudaBuffer dst = zeros(dtype, view.numel());
            long outer = view.numel(0, ax), size = view.dim(ax), inner = view.numel(ax + 1, view.rank()), m = indexShape.dim(ax);
            if (s.size() > 0) {
                launch("embedding", k("scatter_add", dtype), CudaLauncher.Grid.linear(s.size()), s, idx, dst, outer, size, m, inner);
            }
            if (view.equals(outShape)) return dst;
            CudaBuffer full = zeros(dtype, outShape.numel());
            backend.copy().stridedWrite(full, 0, NdLayout.contiguous(outShape), dst, view);
            free(dst);
            return full;
        } finally {
            if (idx != index) free(idx);
        }
    }

    @Override public Buffer oneHot(Buffer index, int numClasses, DType dtype) {
        CudaBuffer idx = indices(buf(index, "one_hot"), numClasses, "one_hot");
        try {
            CudaBuffer out = alloc(dtype, idx.size() * numClasses);
            if (out.size() > 0) {
                launch("embedding", k("one_hot", dtype), CudaLauncher.Grid.linear(out.size()), idx, out, idx.size(), (long) numClasses);
            }
            return out;
        } finally {
            if (idx != index) free(idx);
        }
    }

    /** INT64 indices, checked to lie in [0, size). */
    private CudaBuffer indices(CudaBuffer index, long size, String op) {
        CudaBuffer idx = backend.asInt64(index, op);
        if (CHECK && idx.size() > 0) {
            long[] host = (long[]) backend.toArray(idx);
            for (int i = 0; i < host.length; i++) {
                if (host[i] < 0 || host[i] >= size) {
                    if (idx != index) free(idx);
                    throw new InvalidArgumentException(op + ": index " + host[i] + " at position " + i
                            + " is out of range for an axis of size " + size);
                }
            }
        }
        return idx;
    }

    private static void checkIndexShape(String op, Shape shape, int axis, Shape indexShape) {
        boolean ok = indexShape.rank() == shape.rank();
        for (int d = 0; ok && d < shape.rank(); d++) if (d != axis && indexShape.dim(d) > shape.dim(d)) ok = false;
        if (!ok) {
            throw new InvalidArgumentException(op + ": index shape " + indexShape + " must have the rank of " + shape
                    + " and no larger size outside axis " + axis);
        }
    }
}

package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.CopyKernels;

/**
 * Strided copies ({@code strided_copy_<dt>}, {@code strided_write_<dt>} of elementwise.cu): every layout
 * change, and the permutes other families use to bring an axis where their kernel wants it.
 */
final class CudaCopy extends CudaFamily implements CopyKernels {
    static final KernelNames KERNELS = KernelNames.create()
            .add("elementwise", KernelNames.ALL, "strided_copy", "strided_write", "fill");

    CudaCopy(CudaBackend backend) { super(backend); }

    @Override public Buffer stridedCopy(Buffer src, long offset, long[] strides, Shape out) {
        CudaBuffer s = buf(src, "stridedCopy");
        checkRange("stridedCopy", s.size(), offset, strides, out);
        long n = out.numel();
        CudaBuffer o = alloc(s.dtype(), n);
        if (n == 0) return o;
        NdLayout l = NdLayout.of("stridedCopy", out, strides);
        launch("elementwise", k("strided_copy", s.dtype()), CudaLauncher.Grid.linear(n), s, o, n, l.rank, offset, l);
        return o;
    }

    @Override public void stridedWrite(Buffer dst, long offset, long[] strides, Buffer src, Shape srcShape) {
        CudaBuffer d = buf(dst, "stridedWrite"), s = buf(src, "stridedWrite");
        if (d.dtype() != s.dtype()) {
            throw new DTypeMismatchException("stridedWrite: destination is " + d.dtype() + " but source is " + s.dtype());
        }
        if (s.size() != srcShape.numel()) {
            throw new InvalidArgumentException("stridedWrite: source has " + s.size() + " elements but shape " + srcShape);
        }
        checkRange("stridedWrite", d.size(), offset, strides, srcShape);
        long n = srcShape.numel();
        if (n == 0) return;
        NdLayout l = NdLayout.of("stridedWrite", srcShape, strides);
        launch("elementwise", k("strided_write", s.dtype()), CudaLauncher.Grid.linear(n), s, d, n, l.rank, offset, l);
    }

    /** {@code x} of {@code shape} with its axes reordered so that output axis i is input axis {@code perm[i]}. */
    CudaBuffer permute(CudaBuffer x, Shape shape, int[] perm) {
        long[] in = NdLayout.contiguous(shape);
        long[] strides = new long[perm.length];
        int[] dims = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            strides[i] = in[perm[i]];
            dims[i] = shape.dim(perm[i]);
        }
        return (CudaBuffer) stridedCopy(x, 0, strides, Shape.of(dims));
    }

    /** The inverse permutation. */
    static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }

    /** The permutation moving {@code axis} to the end, the others keeping their order. */
    static int[] axisLast(int rank, int axis) {
        int[] p = new int[rank];
        int j = 0;
        for (int d = 0; d < rank; d++) if (d != axis) p[j++] = d;
        p[rank - 1] = axis;
        return p;
    }

    /** Fails before launching when the strided window reaches outside the buffer. */
    private static void checkRange(String op, long size, long offset, long[] strides, Shape shape) {
        if (strides.length != shape.rank()) {
            throw new InvalidArgumentException(op + ": " + strides.length + " strides for shape " + shape + "; expected " + shape.rank());
        }
        if (shape.numel() == 0) return;
        long lo = offset, hi = offset;
        for (int d = 0; d < strides.length; d++) {
            long span = strides[d] * (shape.dim(d) - 1);
            if (span < 0) lo += span; else hi += span;
        }
        if (lo < 0 || hi >= size) {
            throw new InvalidArgumentException(op + ": offset " + offset + " and strides " + java.util.Arrays.toString(strides)
                    + " over shape " + shape + " reach elements [" + lo + ", " + hi + "] of a buffer of " + size);
        }
    }
}

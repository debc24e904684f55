package dev.nabla.runtime.cuda;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.SoftmaxKernels;

/**
 * Fused softmax / log-softmax of softmax.cu, one block per row of a {@code [rows, cols]} matrix. For an
 * axis other than the last, the input is permuted so the axis is last, and the result permuted back.
 */
final class CudaSoftmax extends CudaFamily implements SoftmaxKernels {
    static final KernelNames KERNELS = KernelNames.create()
            .add("softmax", KernelNames.FLOATS, "softmax", "log_softmax", "softmax_backward", "log_softmax_backward");

    CudaSoftmax(CudaBackend backend) { super(backend); }

    @Override public Buffer softmax(Buffer x, Shape shape, int axis, boolean log) {
        String op = log ? "log_softmax" : "softmax";
        CudaBuffer in = buf(x, op);
        requireFloating(op, in.dtype());
        return alongLastAxis(op, shape, axis, new CudaBuffer[]{in}, (rows, cols, args) -> {
            CudaBuffer y = alloc(in.dtype(), rows * cols);
            launch("softmax", k(op, in.dtype()), grid(rows, cols), args[0], y, rows, cols);
            return y;
        });
    }

    @Override public Buffer softmaxBackward(Buffer y, Buffer dy, Shape shape, int axis, boolean log) {
        String op = log ? "log_softmax_backward" : "softmax_backward";
        CudaBuffer out = buf(y, op), g = buf(dy, op);
        requireFloating(op, out.dtype());
        requireSame(op, out, g);
        return alongLastAxis(op, shape, axis, new CudaBuffer[]{out, g}, (rows, cols, args) -> {
            CudaBuffer gx = alloc(out.dtype(), rows * cols);
            launch("softmax", k(op, out.dtype()), grid(rows, cols), args[0], args[1], gx, rows, cols);
            return gx;
        });
    }

    private interface RowKernel { CudaBuffer run(long rows, long cols, CudaBuffer[] inputs); }

    private CudaBuffer alongLastAxis(String op, Shape shape, int axis, CudaBuffer[] inputs, RowKernel kernel) {
        int ax = shape.axis(axis, op);
        for (CudaBuffer b : inputs) {
            if (b.size() != shape.numel()) {
                throw new InvalidArgumentException(op + ": buffer of " + b.size() + " elements does not match shape " + shape);
            }
        }
        long cols = shape.dim(ax), n = shape.numel();
        if (n == 0) return alloc(inputs[0].dtype(), 0);
        if (ax == shape.rank() - 1) return kernel.run(n / cols, cols, inputs);
        int[] perm = CudaCopy.axisLast(shape.rank(), ax);
        CudaBuffer[] moved = new CudaBuffer[inputs.length];
        CudaBuffer r = null;
        try {
            for (int i = 0; i < inputs.length; i++) moved[i] = backend.copy().permute(inputs[i], shape, perm);
            r = kernel.run(n / cols, cols, moved);
            return backend.copy().permute(r, permuted(shape, perm), CudaCopy.inverse(perm));
        } finally {
            for (CudaBuffer m : moved) free(m);
            free(r);
        }
    }

    static Shape permuted(Shape shape, int[] perm) {
        int[] d = new int[perm.length];
        for (int i = 0; i < perm.length; i++) d[i] = shape.dim(perm[i]);
        return Shape.of(d);
    }

    private static CudaLauncher.Grid grid(long rows, long cols) { return CudaLauncher.Grid.rows(rows, cols <= 512 ? 128 : 256); }
}

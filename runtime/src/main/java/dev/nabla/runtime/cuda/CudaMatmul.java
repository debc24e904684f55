package dev.nabla.runtime.cuda;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.MatmulKernels;
import dev.nabla.runtime.backend.MatmulSpec;

/**
 * Batched matmul as one strided-batched GEMM ({@link CudaGemm}). An operand whose batch is all ones is
 * broadcast with batch stride 0; one whose batch equals the output's uses stride m*k; any other broadcast
 * pattern (e.g. [2, 1] against [1, 3]) is first expanded on the device with the strided copy.
 */
final class CudaMatmul extends CudaFamily implements MatmulKernels {
    private final CudaGemm gemm;

    CudaMatmul(CudaBackend backend, CudaGemm gemm) {
        super(backend);
        this.gemm = gemm;
    }

    @Override public Buffer matmul(Buffer a, Buffer b, MatmulSpec spec) {
        CudaBuffer x = buf(a, "matmul"), y = buf(b, "matmul");
        requireFloating("matmul", x.dtype());
        requireSame("matmul", x, y);
        int m = spec.m(), n = spec.n(), k = spec.k();
        long batch = spec.batchCount();
        if (batch > Integer.MAX_VALUE) throw new InvalidArgumentException("matmul: batch of " + batch + " matrices is too large");
        check("matmul: A", x, spec.aBatch(), (long) m * k);
        check("matmul: B", y, spec.bBatch(), (long) k * n);
        if (batch * m * n == 0) return alloc(x.dtype(), 0);
        if (k == 0) return zeros(x.dtype(), batch * m * n);
        CudaBuffer ax = expand(x, spec.aBatch(), spec.batch(), spec.transA() ? k : m, spec.transA() ? m : k);
        CudaBuffer bx = expand(y, spec.bBatch(), spec.batch(), spec.transB() ? n : k, spec.transB() ? k : n);
        try {
            CudaBuffer c = alloc(x.dtype(), batch * m * n);
            long sa = spec.aBatch().numel() == 1 && ax == x ? 0 : (long) m * k;
            long sb = spec.bBatch().numel() == 1 && bx == y ? 0 : (long) k * n;
            gemm.gemm(x.dtype(), spec.transA(), spec.transB(), m, n, k,
                    new CudaGemm.Operand(ax.ptr(), spec.transA() ? m : k, sa),
                    new CudaGemm.Operand(bx.ptr(), spec.transB() ? k : n, sb),
                    new CudaGemm.Operand(c.ptr(), n, (long) m * n), (int) batch, 1.0, 0.0);
            return c;
        } finally {
            if (ax != x) free(ax);
            if (bx != y) free(bx);
        }
    }

    /** The operand itself when its batch is all ones or the full batch, else a copy expanded to the full batch. */
    private CudaBuffer expand(CudaBuffer x, Shape opBatch, Shape batch, int rows, int cols) {
        if (opBatch.numel() == 1 || opBatch.equals(batch)) return x;
        int r = batch.rank();
        int[] dims = new int[r + 2];
        long[] strides = new long[r + 2];
        long[] own = NdLayout.broadcastStrides(opBatch, batch);
        long mat = (long) rows * cols;
        for (int d = 0; d < r; d++) {
            dims[d] = batch.dim(d);
            strides[d] = own[d] * mat;
        }
        dims[r] = rows;
        dims[r + 1] = cols;
        strides[r] = cols;
        strides[r + 1] = 1;
        return (CudaBuffer) backend.copy().stridedCopy(x, 0, strides, Shape.of(dims));
    }

    private static void check(String what, CudaBuffer b, Shape batch, long matrix) {
        if (b.size() != batch.numel() * matrix) {
            throw new InvalidArgumentException(what + " has " + b.size() + " elements; expected batch " + batch + " x " + matrix);
        }
    }
}

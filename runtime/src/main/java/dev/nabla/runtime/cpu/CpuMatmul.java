package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.MatmulKernels;
import dev.nabla.runtime.backend.MatmulSpec;

/**
 * Batched matmul on {@link CpuGemm}. Each output batch finds its A and B matrices from the broadcast
 * batch shapes (a size-1 batch dim reads matrix 0 along that dim). Many small matrices run one GEMM per
 * task in parallel; large ones let the GEMM parallelise itself. The linear layer's forward is one GEMM into
 * an output that starts as the bias rows (beta = 1), so no second pass adds the bias.
 */
final class CpuMatmul implements MatmulKernels {
    /** Elements of the bias fill per parallel chunk. */
    private static final int FILL_GRAIN = 1 << 15;

    @Override public Buffer matmul(Buffer a, Buffer b, MatmulSpec spec) {
        CpuBuffer ab = CpuBuffer.of(a, "matmul"), bb = CpuBuffer.of(b, "matmul");
        if (ab.dtype != bb.dtype || !ab.dtype.isFloating()) {
            throw new DTypeMismatchException("matmul: expected two FLOAT32 or two FLOAT64 buffers, got " + ab.dtype
                    + " and " + bb.dtype);
        }
        int m = spec.m(), n = spec.n(), k = spec.k();
        long batch = spec.batchCount();
        long aMat = (long) m * k, bMat = (long) k * n, cMat = (long) m * n;
        if (ab.size != spec.aBatch().numel() * aMat || bb.size != spec.bBatch().numel() * bMat) {
            throw new ShapeMismatchException("matmul: buffers of " + ab.size + " and " + bb.size + " elements do not fit "
                    + spec);
        }
        // Every output matrix is written whole (beta = 0, which BLAS semantics say never reads C).
        CpuBuffer c = CpuBackend.allocUninitialized(ab.dtype, batch * cMat);
        if (batch == 0 || cMat == 0) return c;
        int[] aOff = batchOffsets(spec, true), bOff = batchOffsets(spec, false);
        int lda = spec.transA() ? m : k, ldb = spec.transB() ? k : n;
        boolean f32 = ab.dtype == DType.FLOAT32;
        CpuThreads.RangeBody body = (from, to) -> {
            for (int t = from; t < to; t++) {
                int ao = (int) (aOff[t] * aMat), bo = (int) (bOff[t] * bMat), co = (int) (t * cMat);
                if (f32) CpuGemm.sgemm(spec.transA(), spec.transB(), m, n, k, 1f, ab.f, ao, lda, bb.f, bo, ldb, 0f, c.f, co, n);
                else CpuGemm.dgemm(spec.transA(), spec.transB(), m, n, k, 1.0, ab.d, ao, lda, bb.d, bo, ldb, 0.0, c.d, co, n);
            }
        };
        long work = cMat * Math.max(1, k);
        if (batch > 1 && work < (1L << 21)) CpuThreads.parallelFor((int) batch, 1, body);
        else body.run(0, (int) batch);
        return c;
    }

    @Override public Buffer linear(Backend backend, Buffer x, Buffer w, Buffer bias, int rows, int in, int out) {
        CpuBuffer xb = CpuBuffer.of(x, "linear"), wb = CpuBuffer.of(w, "linear");
        CpuBuffer bb = bias == null ? null : CpuBuffer.of(bias, "linear");
        if (xb.dtype != wb.dtype || !xb.dtype.isFloating() || (bb != null && bb.dtype != xb.dtype)) {
            throw new DTypeMismatchException("linear: expected FLOAT32 or FLOAT64 buffers of one dtype, got input "
                    + xb.dtype + ", weight " + wb.dtype + (bb == null ? "" : ", bias " + bb.dtype));
        }
        if (rows < 0 || in < 0 || out < 0 || xb.size != (long) rows * in || wb.size != (long) out * in
                || (bb != null && bb.size != out)) {
            throw new ShapeMismatchException("linear: buffers of " + xb.size + " (input), " + wb.size + " (weight)"
                    + (bb == null ? "" : " and " + bb.size + " (bias)") + " elements do not fit rows=" + rows
                    + ", in=" + in + ", out=" + out);
        }
        // Written whole: the bias rows then beta = 1, or beta = 0 (C never read) without a bias.
        CpuBuffer y = CpuBackend.allocUninitialized(xb.dtype, (long) rows * out);
        if ((long) rows * out == 0) return y;
        boolean f32 = xb.dtype == DType.FLOAT32;
        if (bb != null) {
            CpuThreads.parallelFor(rows, Math.max(1, FILL_GRAIN / Math.max(1, out)), (from, to) -> {
                for (int r = from; r < to; r++) {
                    if (f32) System.arraycopy(bb.f, 0, y.f, r * out, out);
                    else System.arraycopy(bb.d, 0, y.d, r * out, out);
                }
            });
        }
        if (f32) CpuGemm.sgemm(false, true, rows, out, in, 1f, xb.f, 0, in, wb.f, 0, in, bb == null ? 0f : 1f, y.f, 0, out);
        else CpuGemm.dgemm(false, true, rows, out, in, 1.0, xb.d, 0, in, wb.d, 0, in, bb == null ? 0.0 : 1.0, y.d, 0, out);
        return y;
    }

    /** For each output batch, the index of the A (or B) matrix it reads. */
    static int[] batchOffsets(MatmulSpec spec, boolean forA) {
        int[] bd = spec.batch().dims();
        int[] own = (forA ? spec.aBatch() : spec.bBatch()).dims();
        if (own.length != bd.length) {
            throw new ShapeMismatchException("matmul: batch shape " + (forA ? spec.aBatch() : spec.bBatch())
                    + " does not have the rank of the output batch " + spec.batch());
        }
        long[] st = (forA ? spec.aBatch() : spec.bBatch()).strides();
        int count = (int) spec.batchCount();
        int[] out = new int[count];
        for (int t = 0; t < count; t++) {
            long off = 0;
            int rem = t;
            for (int d = bd.length - 1; d >= 0; d--) {
                int i = rem % bd[d];
                rem /= bd[d];
                if (own[d] != 1) off += i * st[d];
            }
            out[t] = (int) off;
        }
        return out;
    }
}

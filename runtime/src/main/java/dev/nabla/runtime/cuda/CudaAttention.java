package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.AttentionGrads;
import dev.nabla.runtime.backend.AttentionKernels;
import dev.nabla.runtime.backend.AttentionResult;
import dev.nabla.runtime.backend.AttentionSpec;
import dev.nabla.runtime.backend.Buffer;

/**
 * Flash-style attention of attention.cu (float32): the forward streams key/value tiles through shared
 * memory with an online softmax, so the Tq x Tk score matrix never exists; the backward recomputes the
 * probabilities from the saved log-sum-exp (delta pre-pass, then dq and dk/dv kernels, no atomics).
 * Causal masking is bottom-right aligned as the interface specifies: offset {@code tk - tq}.
 */
final class CudaAttention extends CudaFamily implements AttentionKernels {
    static final int MAX_HEAD_DIM = 128;
    static final KernelNames KERNELS = KernelNames.create()
            .add("attention", "attention_forward_f32")
            .add("attention", "attention_backward_delta_f32")
            .add("attention", "attention_backward_dq_f32")
            .add("attention", "attention_backward_dkdv_f32");

    CudaAttention(CudaBackend backend) { super(backend); }

    @Override public AttentionResult attention(Buffer q, Buffer k, Buffer v, Buffer keyPaddingMask, AttentionSpec s) {
        CudaBuffer bq = buf(q, "attention"), bk = buf(k, "attention"), bv = buf(v, "attention");
        check(s, bq, bk, bv);
        long bh = (long) s.batch() * s.heads();
        CudaBuffer out = alloc(DType.FLOAT32, bh * s.tq() * s.dv()), lse = alloc(DType.FLOAT32, bh * s.tq());
        CudaBuffer mask = mask(keyPaddingMask, s);
        try {
            if (out.size() > 0) {
                launch("attention", "attention_forward_f32", grid(s.tq(), 16, bh), bq, bk, bv, mask, out, lse,
                        s.batch(), s.heads(), s.tq(), s.tk(), s.dk(), (float) s.scale(), s.causal() ? 1 : 0, s.tk() - s.tq());
            }
        } finally {
            if (mask != keyPaddingMask) free(mask);
        }
        return new AttentionResult(out, lse);
    }

    @Override public AttentionGrads attentionBackward(Buffer q, Buffer k, Buffer v, Buffer out, Buffer logSumExp, Buffer dOut,
                                                      Buffer keyPaddingMask, AttentionSpec s) {
        CudaBuffer bq = buf(q, "attention backward"), bk = buf(k, "attention backward"), bv = buf(v, "attention backward");
        CudaBuffer bo = buf(out, "attention backward"), lse = buf(logSumExp, "attention backward"), go = buf(dOut, "attention backward");
        check(s, bq, bk, bv);
        long bh = (long) s.batch() * s.heads(), rows = bh * s.tq();
        CudaBuffer dq = alloc(DType.FLOAT32, bq.size()), dk = alloc(DType.FLOAT32, bk.size()), dv = alloc(DType.FLOAT32, bv.size());
        if (rows == 0 || s.tk() == 0) return new AttentionGrads(dq, dk, dv);
        CudaBuffer delta = alloc(DType.FLOAT32, rows);
        CudaBuffer mask = mask(keyPaddingMask, s);
        try {
            long blocks = Math.min((rows + 3) / 4, 65535L * 8);
            launch("attention", "attention_backward_delta_f32", new CudaLauncher.Grid((int) blocks, 1, 1, 128), bo, go, delta, rows, s.dv());
            Object[] common = {s.batch(), s.heads(), s.tq(), s.tk(), s.dk(), (float) s.scale(), s.causal() ? 1 : 0, s.tk() - s.tq()};
            launch("attention", "attention_backward_dq_f32", grid(s.tq(), 8, bh),
                    concat(new Object[]{bq, bk, bv, mask, go, lse, delta, dq}, common));
            launch("attention", "attention_backward_dkdv_f32", grid(s.tk(), 32, bh),
                    concat(new Object[]{bq, bk, bv, mask, go, lse, delta, dk, dv}, common));
        } finally {
            free(delta);
            if (mask != keyPaddingMask) free(mask);
        }
        return new AttentionGrads(dq, dk, dv);
    }

    private static void check(AttentionSpec s, CudaBuffer q, CudaBuffer k, CudaBuffer v) {
        requireFloat32("attention", q.dtype());
        requireSame("attention", q, k);
        requireSame("attention", q, v);
        if (s.dk() != s.dv() || s.dk() < 1 || s.dk() > MAX_HEAD_DIM) {
            throw new InvalidArgumentException("attention: the CUDA kernel needs dk == dv <= " + MAX_HEAD_DIM
                    + ", got dk = " + s.dk() + ", dv = " + s.dv());
        }
        long bh = (long) s.batch() * s.heads();
        if (q.size() != bh * s.tq() * s.dk() || k.size() != bh * s.tk() * s.dk() || v.size() != bh * s.tk() * s.dv()) {
            throw new InvalidArgumentException("attention: q, k, v have " + q.size() + ", " + k.size() + ", " + v.size()
                    + " elements; expected the shapes of " + s);
        }
    }

    /** The key-padding mask as the float32 0/1 the kernels read; null stays null. */
    private CudaBuffer mask(Buffer keyPaddingMask, AttentionSpec s) {
        if (keyPaddingMask == null) return null;
        CudaBuffer m = buf(keyPaddingMask, "attention");
        if (m.size() != (long) s.batch() * s.tk()) {
            throw new InvalidArgumentException("attention: key padding mask has " + m.size() + " elements; expected ["
                    + s.batch() + ", " + s.tk() + "]");
        }
        return m.dtype() == DType.FLOAT32 ? m : backend.ew().nonzero(m, DType.FLOAT32);
    }

    private static CudaLauncher.Grid grid(int t, int tile, long bh) {
        return new CudaLauncher.Grid(Math.max(1, (t + tile - 1) / tile), (int) Math.min(bh, 65535), 1, 128);
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

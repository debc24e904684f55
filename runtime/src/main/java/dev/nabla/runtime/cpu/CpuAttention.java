package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.AttentionGrads;
import dev.nabla.runtime.backend.AttentionKernels;
import dev.nabla.runtime.backend.AttentionResult;
import dev.nabla.runtime.backend.AttentionSpec;
import dev.nabla.runtime.backend.Buffer;

/**
 * CPU scaled dot-product attention, computed the memory-efficient (FlashAttention) way: per (batch, head)
 * and block of {@link #BLOCK_Q} queries, scores against blocks of {@link #BLOCK_K} keys with an online
 * softmax (running max and sum), so the tq x tk score matrix never exists; only a {@code BLOCK_Q x BLOCK_K}
 * tile per worker does. Forward saves the row log-sum-exp; backward recomputes the probabilities tile by
 * tile from q, k and it. {@link CpuAttentionF64} and {@link CpuAttentionF32} hold the dtype-specialised
 * loops: float64's tile products go through {@link CpuGemm}, float32's through small kernels of their own
 * ({@link CpuAttentionVector}, {@link CpuAttentionScalar}) that read the operands in place.
 */
final class CpuAttention implements AttentionKernels {
    static final int BLOCK_Q = 64;
    static final int BLOCK_K = 64;

    private static final String OP = "scaled_dot_product_attention";

    /** The shape of one call and which keys each query may see. */
    static final class Plan {
        final int batch, heads, tq, tk, dk, dv;
        final double scale;
        final boolean causal;
        /** Keys beyond {@code i + causalOffset} are hidden from query i when causal. */
        final int causalOffset;
        /** [batch * tk], true = key ignored; null without a padding mask. */
        final boolean[] ignored;

        Plan(AttentionSpec s, boolean[] ignored) {
            this.batch = s.batch();
            this.heads = s.heads();
            this.tq = s.tq();
            this.tk = s.tk();
            this.dk = s.dk();
            this.dv = s.dv();
            this.scale = s.scale();
            this.causal = s.causal();
            this.causalOffset = s.tk() - s.tq();
            this.ignored = ignored;
        }

        int queryBlocks() { return (tq + BLOCK_Q - 1) / BLOCK_Q; }

        /** One past the last key that any query up to {@code lastQuery} may see. */
        int keyEnd(int lastQuery) {
            if (!causal) return tk;
            return (int) Math.max(0, Math.min(tk, (long) lastQuery + causalOffset + 1));
        }

        /**
         * How many leading keys of the tile [j0, j0 + cols) causality lets query i see (all of them when not
         * causal); the padding mask, if any, still applies to those.
         */
        int causalCols(int i, int j0, int cols) {
            if (!causal) return cols;
            return (int) Math.max(0, Math.min(cols, (long) i + causalOffset + 1 - j0));
        }
    }

    @Override
    public AttentionResult attention(Buffer q, Buffer k, Buffer v, Buffer keyPaddingMask, AttentionSpec spec) {
        CpuBuffer cq = CpuBuffer.of(q, OP), ck = CpuBuffer.of(k, OP), cv = CpuBuffer.of(v, OP);
        checkSizes(spec, cq, ck, cv);
        Plan plan = new Plan(spec, ignoredKeys(keyPaddingMask, spec));
        long rows = (long) spec.batch() * spec.heads() * spec.tq();
        CpuBuffer out = CpuBackend.allocUninitialized(cq.dtype, rows * spec.dv());
        CpuBuffer lse = CpuBackend.alloc(cq.dtype, rows);
        if (cq.dtype == DType.FLOAT64) CpuAttentionF64.forward(plan, cq.d, ck.d, cv.d, out.d, lse.d);
        else CpuAttentionF32.forward(plan, cq.f, ck.f, cv.f, out.f, lse.f);
        return new AttentionResult(out, lse);
    }

    @Override
    public AttentionGrads attentionBackward(Buffer q, Buffer k, Buffer v, Buffer out, Buffer logSumExp, Buffer dOut,
                                            Buffer keyPaddingMask, AttentionSpec spec) {
        CpuBuffer cq = CpuBuffer.of(q, OP), ck = CpuBuffer.of(k, OP), cv = CpuBuffer.of(v, OP);
        CpuBuffer co = CpuBuffer.of(out, OP), cl = CpuBuffer.of(logSumExp, OP), cg = CpuBuffer.of(dOut, OP);
        checkSizes(spec, cq, ck, cv);
        long rows = (long) spec.batch() * spec.heads() * spec.tq();
        for (CpuBuffer b : new CpuBuffer[]{co, cl, cg}) {
            if (b.dtype != cq.dtype) {
                throw new DTypeMismatchException(OP + " backward: out, logsumexp and dOut must be " + cq.dtype + ", got " + b.dtype);
            }
        }
        if (co.size != rows * spec.dv() || cg.size != rows * spec.dv() || cl.size != rows) {
            throw new InvalidArgumentException(OP + " backward: out/dOut need " + rows * spec.dv() + " elements and logsumexp "
                    + rows + " for " + spec + ", got " + co.size + ", " + cg.size + " and " + cl.size);
        }
        Plan plan = new Plan(spec, ignoredKeys(keyPaddingMask, spec));
        CpuBuffer dq, dk, dv;
        if (cq.dtype == DType.FLOAT64) {
            dq = CpuBackend.alloc(cq.dtype, cq.size);
            dk = CpuBackend.alloc(cq.dtype, ck.size);
            dv = CpuBackend.alloc(cq.dtype, cv.size);
            CpuAttentionF64.backward(plan, cq.d, ck.d, cv.d, co.d, cl.d, cg.d, dq.d, dk.d, dv.d);
        } else {
            // Each head's task writes every element of its own slices (see CpuAttentionF32.backward).
            dq = CpuBackend.allocUninitialized(cq.dtype, cq.size);
            dk = CpuBackend.allocUninitialized(cq.dtype, ck.size);
            dv = CpuBackend.allocUninitialized(cq.dtype, cv.size);
            CpuAttentionF32.backward(plan, cq.f, ck.f, cv.f, co.f, cl.f, cg.f, dq.f, dk.f, dv.f);
        }
        return new AttentionGrads(dq, dk, dv);
    }

    private static void checkSizes(AttentionSpec s, CpuBuffer q, CpuBuffer k, CpuBuffer v) {
        if (!q.dtype.isFloating() || k.dtype != q.dtype || v.dtype != q.dtype) {
            throw new DTypeMismatchException(OP + ": q, k and v must share a FLOAT32 or FLOAT64 dtype, got "
                    + q.dtype + ", " + k.dtype + " and " + v.dtype);
        }
        long bh = (long) s.batch() * s.heads();
        if (q.size != bh * s.tq() * s.dk() || k.size != bh * s.tk() * s.dk() || v.size != bh * s.tk() * s.dv()) {
            throw new InvalidArgumentException(OP + ": buffers of " + q.size + ", " + k.size + " and " + v.size
                    + " elements do not fit " + s);
        }
    }

    /** The padding mask as one flag per (batch, key), read once whatever its dtype. */
    private static boolean[] ignoredKeys(Buffer mask, AttentionSpec s) {
        if (mask == null) return null;
        CpuBuffer m = CpuBuffer.of(mask, OP);
        int n = s.batch() * s.tk();
        if (m.size != n) {
            throw new InvalidArgumentException(OP + ": key padding mask has " + m.size + " elements, expected [batch "
                    + s.batch() + ", tk " + s.tk() + "]");
        }
        boolean[] out = new boolean[n];
        for (int j = 0; j < n; j++) out[j] = m.get(j) != 0.0;
        return out;
    }
}

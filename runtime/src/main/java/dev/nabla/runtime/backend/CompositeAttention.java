package dev.nabla.runtime.backend;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Scaled dot-product attention composed from a backend's other kernel families (batched matmul,
 * elementwise, reduce, softmax), for a backend whose fused kernel does not cover a case (e.g. the CUDA
 * kernel is float32 with dk == dv <= 128). Unlike a fused kernel it MATERIALISES the scores: one or two
 * {@code [batch * heads, tq, tk]} buffers live at a time, so memory grows with tq x tk.
 *
 * <p>Forward: S = q k^T * scale + bias, where bias is -inf on masked keys (causal, bottom-right aligned:
 * key j is hidden from query i when j > i + tk - tq; padding: mask {@code [batch, tk]} nonzero) and 0
 * elsewhere; lse = logsumexp over keys; P = exp(S - lse); out = P v. Backward recomputes P from the saved
 * lse, then dV = P^T dO, dP = dO v^T, dS = P * (dP - rowsum(dP * P)) (the softmax backward kernel; the
 * row sum equals rowsum(dO * out)), dQ = dS k * scale, dK = dS^T q * scale. A query row whose keys are all
 * masked has lse = -inf; its P row is made 0 (the lse is replaced by +inf before the exp), so it gets
 * out 0 and zero gradients, never NaN. Only {@link Backend} interface calls are used, so the same code
 * runs (and is tested) on the CPU.
 */
public final class CompositeAttention {
    private static final String OP = "scaled_dot_product_attention";

    private final Backend be;
    private final AttentionSpec s;
    private final DType dtype;
    private final Shape scores, rows;
    /** Temporaries released in {@link #close()}. */
    private final List<Buffer> temps = new ArrayList<>();

    private CompositeAttention(Backend be, AttentionSpec s, DType dtype) {
        this.be = be;
        this.s = s;
        this.dtype = dtype;
        int bh = Math.multiplyExact(s.batch(), s.heads());
        this.scores = Shape.of(bh, s.tq(), s.tk());
        this.rows = Shape.of(bh, s.tq(), 1);
    }

    /** The forward pass: out {@code [b, h, tq, dv]} and lse {@code [b, h, tq]}. */
    public static AttentionResult forward(Backend be, Buffer q, Buffer k, Buffer v, Buffer keyPaddingMask, AttentionSpec s) {
        check(s, q, k, v, keyPaddingMask);
        CompositeAttention c = new CompositeAttention(be, s, q.dtype());
        long nRows = c.rows.numel();
        if (nRows == 0 || s.tk() == 0) {
            return new AttentionResult(be.allocate(c.dtype, nRows * s.dv()), be.full(c.dtype, nRows, Double.NEGATIVE_INFINITY));
        }
        Buffer lse = null;
        try {
            Buffer sc = c.temp(c.maskedScores(q, k, keyPaddingMask));
            lse = be.reduce().reduce(ReduceOp.LOGSUMEXP, sc, c.scores, new int[]{2});
            Buffer p = c.temp(c.probabilities(sc, lse));
            return new AttentionResult(c.product(p, false, v, false, s.tq(), s.dv(), s.tk()), lse);
        } catch (RuntimeException e) {
            if (lse != null) be.release(lse);
            throw e;
        } finally {
            c.close();
        }
    }

    /** The backward pass from the forward's lse and dOut; {@code out} is only size-checked (see the class note). */
    public static AttentionGrads backward(Backend be, Buffer q, Buffer k, Buffer v, Buffer out, Buffer logSumExp,
                                          Buffer dOut, Buffer keyPaddingMask, AttentionSpec s) {
        check(s, q, k, v, keyPaddingMask);
        long nRows = (long) s.batch() * s.heads() * s.tq();
        for (Buffer b : new Buffer[]{out, logSumExp, dOut}) {
            if (b.dtype() != q.dtype()) {
                throw new DTypeMismatchException(OP + " backward: out, logsumexp and dOut must be " + q.dtype() + ", got "
                        + out.dtype() + ", " + logSumExp.dtype() + " and " + dOut.dtype());
            }
        }
        if (out.size() != nRows * s.dv() || dOut.size() != nRows * s.dv() || logSumExp.size() != nRows) {
            throw new InvalidArgumentException(OP + " backward: out/dOut need " + nRows * s.dv() + " elements and logsumexp "
                    + nRows + " for " + s + ", got " + out.size() + ", " + dOut.size() + " and " + logSumExp.size());
        }
        CompositeAttention c = new CompositeAttention(be, s, q.dtype());
        if (nRows == 0 || s.tk() == 0) {
            return new AttentionGrads(be.allocate(c.dtype, q.size()), be.allocate(c.dtype, k.size()), be.allocate(c.dtype, v.size()));
        }
        Buffer dq = null, dk = null;
        try {
            Buffer p = c.temp(c.probabilities(c.temp(c.maskedScores(q, k, keyPaddingMask)), logSumExp));
            Buffer dp = c.temp(c.product(dOut, false, v, true, s.tq(), s.tk(), s.dv()));
            Buffer ds = c.temp(be.softmax().softmaxBackward(p, dp, c.scores, 2, false));
            dq = c.scaled(c.product(ds, false, k, false, s.tq(), s.dk(), s.tk()));
            dk = c.scaled(c.product(ds, true, q, false, s.tk(), s.dk(), s.tq()));
            Buffer dv = c.product(p, true, dOut, false, s.tk(), s.dv(), s.tq());
            return new AttentionGrads(dq, dk, dv);
        } catch (RuntimeException e) {
            if (dq != null) be.release(dq);
            if (dk != null) be.release(dk);
            throw e;
        } finally {
            c.close();
        }
    }

    /** q k^T * scale with -inf on masked keys, {@code [b*h, tq, tk]}. */
    private Buffer maskedScores(Buffer q, Buffer k, Buffer keyPaddingMask) {
        Buffer sc = product(q, false, k, true, s.tq(), s.tk(), s.dk());
        try {
            Buffer scale = temp(be.full(dtype, 1, s.scale()));
            be.elementwise().binaryInPlace(BinaryOp.MUL, sc, scores, scale, Shape.scalar());
            Buffer bias = maskBias(keyPaddingMask);
            if (bias != null) {
                Shape all = Shape.of(s.batch(), s.heads(), s.tq(), s.tk());
                Shape biasShape = Shape.of(keyPaddingMask == null ? 1 : s.batch(), 1, s.causal() ? s.tq() : 1, s.tk());
                be.elementwise().binaryInPlace(BinaryOp.ADD, sc, all, bias, biasShape);
            }
            return sc;
        } catch (RuntimeException e) {
            be.release(sc);
            throw e;
        }
    }

    /**
     * The additive mask, 0 on visible and -inf on hidden keys, shaped {@code [b or 1, 1, tq or 1, tk]}, or
     * null without masks. The causal part compares a column index with row index + offset on the device,
     * so only tq + tk values come from the host.
     */
    private Buffer maskBias(Buffer keyPaddingMask) {
        Buffer negInf = temp(be.full(dtype, 1, Double.NEGATIVE_INFINITY));
        Buffer zero = temp(be.full(dtype, 1, 0));
        Buffer causal = null, padding = null;
        if (s.causal()) {
            double[] lastVisible = new double[s.tq()], key = new double[s.tk()];
            for (int i = 0; i < lastVisible.length; i++) lastVisible[i] = i + (double) (s.tk() - s.tq());
            for (int j = 0; j < key.length; j++) key[j] = j;
            Buffer rowLimit = temp(be.fromArray(lastVisible, dtype)), cols = temp(be.fromArray(key, dtype));
            Shape tqtk = Shape.of(s.tq(), s.tk());
            Buffer hidden = temp(be.elementwise().compare(CompareOp.GT, cols, Shape.of(1, s.tk()), rowLimit, Shape.of(s.tq(), 1), tqtk));
            causal = temp(be.elementwise().where(hidden, tqtk, negInf, Shape.scalar(), zero, Shape.scalar(), tqtk));
        }
        if (keyPaddingMask != null) {
            Shape btk = Shape.of(s.batch(), s.tk());
            padding = temp(be.elementwise().where(keyPaddingMask, btk, negInf, Shape.scalar(), zero, Shape.scalar(), btk));
        }
        if (causal == null || padding == null) return causal != null ? causal : padding;
        Shape both = Shape.of(s.batch(), 1, s.tq(), s.tk());
        return temp(be.elementwise().binary(BinaryOp.ADD, causal, Shape.of(1, 1, s.tq(), s.tk()),
                padding, Shape.of(s.batch(), 1, 1, s.tk()), both));
    }

    /** P = exp(S - lse), with rows whose lse is -inf (every key masked) all 0 rather than NaN. */
    private Buffer probabilities(Buffer sc, Buffer lse) {
        Buffer negInf = temp(be.full(dtype, 1, Double.NEGATIVE_INFINITY));
        Buffer posInf = temp(be.full(dtype, 1, Double.POSITIVE_INFINITY));
        Buffer dead = temp(be.elementwise().compare(CompareOp.EQ, lse, rows, negInf, Shape.scalar(), rows));
        Buffer shift = temp(be.elementwise().where(dead, rows, posInf, Shape.scalar(), lse, rows, rows));
        be.elementwise().binaryInPlace(BinaryOp.SUB, sc, scores, shift, rows);
        return be.elementwise().unary(UnaryOp.EXP, sc, 0, 0);
    }

    /** The batched product op(a) x op(b) over the b*h matrices, m x n. */
    private Buffer product(Buffer a, boolean transA, Buffer b, boolean transB, int m, int n, int k) {
        Shape batch = Shape.of(s.batch() * s.heads());
        return be.matmul().matmul(a, b, new MatmulSpec(batch, batch, batch, m, n, k, transA, transB));
    }

    /** x * scale in place, returning x. */
    private Buffer scaled(Buffer x) {
        try {
            Buffer scale = temp(be.full(dtype, 1, s.scale()));
            be.elementwise().binaryInPlace(BinaryOp.MUL, x, Shape.of(Math.toIntExact(x.size())), scale, Shape.scalar());
            return x;
        } catch (RuntimeException e) {
            be.release(x);
            throw e;
        }
    }

    private Buffer temp(Buffer b) {
        temps.add(b);
        return b;
    }

    private void close() {
        for (Buffer b : temps) be.release(b);
        temps.clear();
    }

    private static void check(AttentionSpec s, Buffer q, Buffer k, Buffer v, Buffer keyPaddingMask) {
        if (!q.dtype().isFloating() || k.dtype() != q.dtype() || v.dtype() != q.dtype()) {
            throw new DTypeMismatchException(OP + ": q, k and v must share a FLOAT32 or FLOAT64 dtype, got "
                    + q.dtype() + ", " + k.dtype() + " and " + v.dtype());
        }
        long bh = (long) s.batch() * s.heads();
        if (q.size() != bh * s.tq() * s.dk() || k.size() != bh * s.tk() * s.dk() || v.size() != bh * s.tk() * s.dv()) {
            throw new InvalidArgumentException(OP + ": buffers of " + q.size() + ", " + k.size() + " and " + v.size()
                    + " elements do not fit " + s);
        }
        if (keyPaddingMask != null && keyPaddingMask.size() != (long) s.batch() * s.tk()) {
            throw new InvalidArgumentException(OP + ": key padding mask has " + keyPaddingMask.size()
                    + " elements, expected [batch " + s.batch() + ", tk " + s.tk() + "]");
        }
    }
}

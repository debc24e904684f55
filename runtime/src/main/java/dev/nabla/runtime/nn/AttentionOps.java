package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.AttentionGrads;
import dev.nabla.runtime.backend.AttentionResult;
import dev.nabla.runtime.backend.AttentionSpec;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.ops.Checks;

/**
 * Fused scaled dot-product attention, {@code softmax(q k^T * scale + masks) v}.
 *
 * <p>Memory: the backend computes it the FlashAttention way, a block of queries against a block of keys
 * at a time with an online softmax, so the {@code tq x tk} score and probability matrices are never
 * stored. Forward keeps only the output {@code [b, h, tq, dv]} and the row log-sum-exp {@code [b, h, tq]};
 * backward recomputes the probabilities tile by tile from q, k and that log-sum-exp. Memory therefore
 * grows linearly in sequence length, not quadratically. The exception is double backward
 * ({@code createGraph}), which is written with differentiable tensor ops and does build the full
 * {@code [b, h, tq, tk]} matrices.
 *
 * <pre>{@code
 * Tensor y = AttentionOps.scaledDotProductAttention(q, k, v, null, true, Double.NaN); // causal, 1/sqrt(dk)
 * }</pre>
 */
public final class AttentionOps {
    private static final String OP = "scaled_dot_product_attention";

    private AttentionOps() {}

    /**
     * q [b, h, tq, dk], k [b, h, tk, dk], v [b, h, tk, dv] give [b, h, tq, dv]. keyPaddingMask [b, tk] (any
     * dtype, nonzero = ignore that key) or null. With {@code causal}, query i sees keys j <= i + (tk - tq).
     * A query whose keys are all masked gets zeros and passes no gradient. scale NaN means 1/sqrt(dk).
     * Gradients flow to q, k and v, never to the mask.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor keyPaddingMask, boolean causal, double scale) {
        AttentionSpec spec = validate(q, k, v, keyPaddingMask, causal, scale);
        Backend be = q.backend();
        AttentionResult r = be.attention().attention(q.buffer(), k.buffer(), v.buffer(),
                keyPaddingMask == null ? null : keyPaddingMask.buffer(), spec);
        Tensor out = Tensor.wrap(be, r.out(), Shape.of(spec.batch(), spec.heads(), spec.tq(), spec.dv()));
        Tensor lse = Tensor.wrap(be, r.logSumExp(), Shape.of(spec.batch(), spec.heads(), spec.tq()));
        if (!Autograd.needsGrad(q, k, v)) {
            lse.close();
            return out;
        }
        return Autograd.record(out, OP, new Tensor[]{q, k, v}, g -> Autograd.isGradEnabled()
                ? AttentionDoubleBackward.grads(q, k, v, out, keyPaddingMask, spec, g)
                : fusedGrads(q, k, v, out, lse, keyPaddingMask, spec, g));
    }

    private static Tensor[] fusedGrads(Tensor q, Tensor k, Tensor v, Tensor out, Tensor lse, Tensor mask,
                                       AttentionSpec spec, Tensor g) {
        Backend be = q.backend();
        AttentionGrads gr = be.attention().attentionBackward(q.buffer(), k.buffer(), v.buffer(), out.buffer(),
                lse.buffer(), g.buffer(), mask == null ? null : mask.buffer(), spec);
        Tensor[] grads = {Tensor.wrap(be, gr.dq(), q.shape()), Tensor.wrap(be, gr.dk(), k.shape()),
                Tensor.wrap(be, gr.dv(), v.shape())};
        Tensor[] ins = {q, k, v};
        for (int i = 0; i < 3; i++) {
            if (!ins[i].requiresGrad()) {
                grads[i].close();
                grads[i] = null;
            }
        }
        return grads;
    }

    /** Checks everything before any allocation and resolves the scale. */
    static AttentionSpec validate(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale) {
        Checks.open(OP, q, k, v);
        if (mask != null) Checks.open(OP, mask);
        Checks.rank(OP, q, 4, "q [batch, heads, tq, dk]");
        Checks.rank(OP, k, 4, "k [batch, heads, tk, dk]");
        Checks.rank(OP, v, 4, "v [batch, heads, tk, dv]");
        Checks.floating(OP, q);
        Checks.sameDevice(OP, q, k);
        Checks.sameDevice(OP, q, v);
        Checks.sameDType(OP, q, k);
        Checks.sameDType(OP, q, v);
        int b = q.dim(0), h = q.dim(1), tq = q.dim(2), dk = q.dim(3), tk = k.dim(2), dv = v.dim(3);
        if (k.dim(0) != b || k.dim(1) != h || k.dim(3) != dk) {
            throw new ShapeMismatchException(OP + ": q " + q.shape() + " and k " + k.shape()
                    + " must agree on batch, heads and dk (q [b, h, tq, dk], k [b, h, tk, dk])");
        }
        if (v.dim(0) != b || v.dim(1) != h || v.dim(2) != tk) {
            throw new ShapeMismatchException(OP + ": v " + v.shape() + " must be [batch, heads, tk, dv] with "
                    + "batch, heads and tk from q " + q.shape() + " and k " + k.shape());
        }
        if (Math.min(Math.min(b, h), Math.min(Math.min(tq, tk), Math.min(dk, dv))) <= 0) { // the message only when it fails
            Checks.positive(OP, "sizes of q " + q.shape() + ", k " + k.shape() + " and v " + v.shape(), b, h, tq, tk, dk, dv);
        }
        if (mask != null) {
            Checks.sameDevice(OP, q, mask);
            if (mask.rank() != 2 || mask.dim(0) != b || mask.dim(1) != tk) {
                throw new ShapeMismatchException(OP + ": key padding mask " + mask.shape() + " must be [batch, tk] = ["
                        + b + ", " + tk + "] for q " + q.shape() + " and k " + k.shape());
            }
        }
        if (Double.isInfinite(scale)) {
            throw new InvalidArgumentException(OP + ": scale must be finite (or NaN for 1/sqrt(dk)), got " + scale);
        }
        double s = Double.isNaN(scale) ? 1.0 / Math.sqrt(dk) : scale;
        return new AttentionSpec(b, h, tq, tk, dk, dv, s, causal);
    }
}

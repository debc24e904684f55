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
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.ops.Checks;

/**
 * Multi-head self-attention on a packed projection, the way a GPT block computes it: {@code qkv [b, t, 3 c]}
 * holds for each token its query, key and value one after the other, each the {@code heads} heads'
 * {@code d = c / heads} features head by head (the layout of PyTorch's {@code nn.MultiheadAttention} in-projection
 * and of nanoGPT's {@code q, k, v = c_attn(x).split(c, dim=2)}). The result is the heads' outputs concatenated,
 * {@code [b, t, c]}, ready for the output projection.
 *
 * <p>Equal to splitting qkv into q, k and v, viewing each as {@code [b, t, heads, d]}, permuting to
 * {@code [b, heads, t, d]}, {@link AttentionOps#scaledDotProductAttention} and permuting back; but with tensors that
 * own their memory every one of those steps is a copy, and the split's backward a zero-filled, padded gradient per
 * part summed into the next. Here the forward reads q, k and v straight out of qkv into the kernel's layout and
 * writes the output straight into {@code [b, t, c]}; the backward writes dq, dk and dv straight into the three
 * slots of one gradient buffer. Internal copies are released as soon as the pass that needs them is done.
 *
 * <pre>{@code
 * Tensor qkv = F.linear(h, wQkv, bQkv);                          // [b, t, 3c]
 * Tensor a = F.selfAttentionPacked(qkv, heads, null, true);     // [b, t, c], causal
 * Tensor y = F.linear(a, wProj, bProj);
 * }</pre>
 */
public final class PackedAttentionOps {
    private static final String OP = "self_attention_packed";

    private PackedAttentionOps() {}

    /**
     * qkv [b, t, 3 c] with c = heads * d gives [b, t, c]. keyPaddingMask [b, t] (nonzero = ignore that key) or
     * null; causal: token i attends to tokens j <= i; scale NaN means 1/sqrt(d). Gradients flow to qkv.
     */
    public static Tensor selfAttention(Tensor qkv, int heads, Tensor keyPaddingMask, boolean causal, double scale) {
        AttentionSpec spec = validate(qkv, heads, keyPaddingMask, causal, scale);
        Backend be = qkv.backend();
        int b = spec.batch(), t = spec.tq(), d = spec.dk(), c = heads * d;
        Shape headShape = Shape.of(b, heads, t, d);
        Buffer[] parts = new Buffer[3];
        AttentionResult r;
        try {
            for (int s = 0; s < 3; s++) parts[s] = be.copies().stridedCopy(qkv.buffer(), (long) s * c, packedStrides(t, c, d, 3), headShape);
            r = be.attention().attention(parts[0], parts[1], parts[2], keyPaddingMask == null ? null : keyPaddingMask.buffer(), spec);
        } catch (RuntimeException e) {
            for (Buffer p : parts) if (p != null) be.release(p);
            throw e;
        }
        // out [b, heads, t, d] read as [b, t, heads, d]: the heads concatenated per token
        Buffer merged;
        try {
            merged = be.copies().stridedCopy(r.out(), 0, new long[]{(long) heads * t * d, d, (long) t * d, 1}, Shape.of(b, t, heads, d));
        } catch (RuntimeException e) {
            release(be, parts, r);
            throw e;
        }
        Tensor y = Tensor.wrap(be, merged, Shape.of(b, t, c));
        if (!Autograd.needsGrad(qkv)) {
            release(be, parts, r);
            return y;
        }
        // owned by the current scope like any tensor, and closed as soon as the backward has used them
        Saved saved = new Saved(new Tensor[]{Tensor.wrap(be, parts[0], headShape), Tensor.wrap(be, parts[1], headShape),
                Tensor.wrap(be, parts[2], headShape), Tensor.wrap(be, r.out(), headShape),
                Tensor.wrap(be, r.logSumExp(), Shape.of(b, heads, t))});
        return Autograd.record(y, OP, new Tensor[]{qkv}, g -> {
            if (Autograd.isGradEnabled()) {
                // createGraph: the same gradient, recorded through the differentiable composite
                Tensor yc = composite(qkv, heads, keyPaddingMask, causal, spec.scale());
                return new Tensor[]{Autograd.grad(yc, new Tensor[]{qkv}, g, true, true)[0]};
            }
            return new Tensor[]{fusedGrad(qkv, keyPaddingMask, spec, saved, g)};
        }, saved::release);
    }

    /** The same attention as reshapes, permutes, narrows and {@link AttentionOps#scaledDotProductAttention}. */
    static Tensor composite(Tensor qkv, int heads, Tensor keyPaddingMask, boolean causal, double scale) {
        int b = qkv.dim(0), t = qkv.dim(1), c = qkv.dim(2) / 3, d = c / heads;
        Tensor p = qkv.reshape(b, t, 3, heads, d).permute(2, 0, 3, 1, 4);
        Tensor q = p.narrow(0, 0, 1).reshape(b, heads, t, d);
        Tensor k = p.narrow(0, 1, 1).reshape(b, heads, t, d);
        Tensor v = p.narrow(0, 2, 1).reshape(b, heads, t, d);
        return AttentionOps.scaledDotProductAttention(q, k, v, keyPaddingMask, causal, scale).permute(0, 2, 1, 3).reshape(b, t, c);
    }

    private static Tensor fusedGrad(Tensor qkv, Tensor mask, AttentionSpec spec, Saved s, Tensor g) {
        Backend be = qkv.backend();
        int b = spec.batch(), t = spec.tq(), d = spec.dk(), heads = spec.heads(), c = heads * d;
        Shape headShape = Shape.of(b, heads, t, d);
        // g [b, t, c] read as [b, heads, t, d]
        Buffer dOut = be.copies().stridedCopy(g.buffer(), 0, packedStrides(t, c, d, 1), headShape);
        AttentionGrads gr;
        try {
            gr = be.attention().attentionBackward(s.t[0].buffer(), s.t[1].buffer(), s.t[2].buffer(), s.t[3].buffer(),
                    s.t[4].buffer(), dOut,
                    mask == null ? null : mask.buffer(), spec);
        } finally {
            be.release(dOut);
        }
        Buffer[] grads = {gr.dq(), gr.dk(), gr.dv()};
        Buffer dqkv = null;
        try {
            // the three slots cover every element of the gradient: no zero fill needed
            dqkv = be.allocateForOverwrite(qkv.dtype(), qkv.numel());
            for (int part = 0; part < 3; part++) {
                be.copies().stridedWrite(dqkv, (long) part * c, packedStrides(t, c, d, 3), grads[part], headShape);
            }
            Tensor out = Tensor.wrap(be, dqkv, qkv.shape());
            dqkv = null;
            return out;
        } finally {
            if (dqkv != null) be.release(dqkv);
            for (Buffer x : grads) be.release(x);
        }
    }

    /** The forward's internal buffers: q, k, v and the kernel's output and log-sum-exp. */
    private static void release(Backend be, Buffer[] parts, AttentionResult r) {
        for (Buffer p : parts) be.release(p);
        be.release(r.out());
        be.release(r.logSumExp());
    }

    /** Strides that read [b, heads, t, d] out of a packed [b, t, parts * heads * d] buffer. */
    private static long[] packedStrides(int t, int c, int d, int parts) {
        long row = (long) parts * c;
        return new long[]{row * t, d, row, 1};
    }

    /** q, k, v, the output and the log-sum-exp kept for the backward; closed when the graph is freed. */
    private record Saved(Tensor[] t) {
        void release() {
            for (Tensor x : t) x.close();
        }
    }

    /** Checks everything before any allocation and resolves the scale. */
    static AttentionSpec validate(Tensor qkv, int heads, Tensor mask, boolean causal, double scale) {
        Checks.open(OP, qkv);
        if (mask != null) Checks.open(OP, mask);
        Checks.rank(OP, qkv, 3, "qkv [batch, tokens, 3 * heads * headDim]");
        Checks.floating(OP, qkv);
        if (heads <= 0) throw new InvalidArgumentException(OP + ": heads must be > 0, got " + heads + " (qkv " + qkv.shape() + ")");
        int b = qkv.dim(0), t = qkv.dim(1), c3 = qkv.dim(2);
        if (c3 % (3 * heads) != 0) {
            throw new ShapeMismatchException(OP + ": qkv " + qkv.shape() + " must have a last dim of 3 * heads * headDim; "
                    + c3 + " is not a multiple of 3 * " + heads);
        }
        if (b <= 0 || t <= 0 || c3 <= 0) {
            throw new InvalidArgumentException(OP + ": qkv " + qkv.shape() + " must have batch, tokens and features > 0");
        }
        if (mask != null) {
            Checks.sameDevice(OP, qkv, mask);
            if (mask.rank() != 2 || mask.dim(0) != b || mask.dim(1) != t) {
                throw new ShapeMismatchException(OP + ": key padding mask " + mask.shape() + " must be [batch, tokens] = ["
                        + b + ", " + t + "] for qkv " + qkv.shape());
            }
        }
        if (Double.isInfinite(scale)) {
            throw new InvalidArgumentException(OP + ": scale must be finite (or NaN for 1/sqrt(headDim)), got " + scale);
        }
        int d = c3 / 3 / heads;
        return new AttentionSpec(b, heads, t, t, d, d, Double.isNaN(scale) ? 1.0 / Math.sqrt(d) : scale, causal);
    }
}

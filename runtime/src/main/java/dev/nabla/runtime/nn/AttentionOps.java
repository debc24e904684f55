package dev.nabla.runtime.nn;

import dev.nabla.runtime.Tensor;

/** Fused scaled dot-product attention. */
public final class AttentionOps {
    private AttentionOps() {}

    /**
     * q [b, h, tq, d], k [b, h, tk, d], v [b, h, tk, dv]; keyPaddingMask [b, tk] (nonzero = ignore) or null;
     * scale NaN means 1/sqrt(d).
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor keyPaddingMask, boolean causal, double scale) { throw new UnsupportedOperationException("not implemented yet"); }
}

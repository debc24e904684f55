package dev.nabla.runtime.backend;

/**
 * Fused scaled dot-product attention: softmax(q k^T * scale + masks) v. The key-padding mask
 * ({@code [batch, tk]}, nonzero = ignore that key) may be null.
 */
public interface AttentionKernels {
    AttentionResult attention(Buffer q, Buffer k, Buffer v, Buffer keyPaddingMask, AttentionSpec spec);

    AttentionGrads attentionBackward(Buffer q, Buffer k, Buffer v, Buffer out, Buffer logSumExp, Buffer dOut,
                                     Buffer keyPaddingMask, AttentionSpec spec);
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU AttentionKernels: not implemented yet. */
final class CpuAttention implements AttentionKernels {
    @Override public AttentionResult attention(Buffer q, Buffer k, Buffer v, Buffer keyPaddingMask, AttentionSpec spec) { throw new UnsupportedOperationException("CpuAttention: not implemented yet"); }
    @Override public AttentionGrads attentionBackward(Buffer q, Buffer k, Buffer v, Buffer out, Buffer logSumExp, Buffer dOut, Buffer keyPaddingMask, AttentionSpec spec) { throw new UnsupportedOperationException("CpuAttention: not implemented yet"); }
}

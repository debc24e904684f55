package dev.nabla.samples.bench;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;

/**
 * Causal scaled dot-product attention, forward and backward (gradients of q, k and v for a fixed random
 * upstream gradient), float32 [B, H, T, D]: {@code F.scaledDotProductAttention}, which the CUDA backend runs
 * as its flash-attention kernels. The reference times {@code torch.nn.functional.scaled_dot_product_attention}.
 */
final class GpuAttentionBench {
    private GpuAttentionBench() {}

    static Result run(Backend backend, GpuSizes s) {
        int bt = s.attnBatch(), h = s.attnHeads(), t = s.attnCtx(), d = s.attnHeadDim();
        String key = GpuKeys.attention(bt, h, t, d);
        try (Scope outer = Scope.open()) {
            Generator gen = new Generator(11);
            Shape shape = Shape.of(bt, h, t, d);
            Tensor q = Tensor.randn(shape, DType.FLOAT32, backend.device(), gen).requiresGrad(true);
            Tensor k = Tensor.randn(shape, DType.FLOAT32, backend.device(), gen).requiresGrad(true);
            Tensor v = Tensor.randn(shape, DType.FLOAT32, backend.device(), gen).requiresGrad(true);
            Tensor gy = Tensor.randn(shape, DType.FLOAT32, backend.device(), gen);
            GpuTiming.Samples m = GpuTiming.measure(backend, s, 1, () -> {
                try (Scope step = Scope.open()) {
                    F.scaledDotProductAttention(q, k, v, null, true).backward(gy);
                }
                q.zeroGrad();
                k.zeroGrad();
                v.zeroGrad();
            });
            return new Result(key, m.median(), "ms", m.describe(1));
        } catch (Exception | OutOfMemoryError e) {
            return Result.missing(key, "ms", GpuKeys.why(e));
        } finally {
            GpuKeys.release(backend);
        }
    }
}

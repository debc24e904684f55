package dev.nabla.runtime.nn;

import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.ops.IndexOps;
import dev.nabla.runtime.random.Generator;

/**
 * The functional neural-network API, like {@code torch.nn.functional}. Every function is differentiable.
 *
 * <pre>{@code
 * Tensor y = F.maxPool2d(F.conv2d(x, w, b, 1, 1).relu(), 2);
 * Tensor h = F.linear(x, w1, b1).relu();
 * Tensor loss = F.crossEntropy(logits, labels);
 * }</pre>
 */
public final class F {
    private F() {}

    /**
     * y = x weight^T + bias over the last axis: x {@code [..., in]}, weight {@code [out, in]}, bias {@code [out]}
     * or null; y {@code [..., out]}. One fused op (see {@link LinearOps}).
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) { return LinearOps.linear(x, weight, bias); }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return ConvOps.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** Square kernel convenience: the same stride and padding on both axes, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return ConvOps.conv2d(x, weight, bias, new int[]{stride, stride}, new int[]{padding, padding}, new int[]{1, 1}, 1);
    }

    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        return PoolOps.maxPool2d(x, kernel, stride, padding);
    }

    /** Square window with stride = kernel and no padding. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return PoolOps.maxPool2d(x, new int[]{kernel, kernel}, new int[]{kernel, kernel}, new int[]{0, 0});
    }

    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        return PoolOps.avgPool2d(x, kernel, stride, padding, countIncludePad);
    }

    public static Tensor avgPool2d(Tensor x, int kernel) {
        return PoolOps.avgPool2d(x, new int[]{kernel, kernel}, new int[]{kernel, kernel}, new int[]{0, 0}, true);
    }

    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return NormOps.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return NormOps.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    public static Tensor dropout(Tensor x, double p, boolean training, Generator generator) {
        return DropoutOps.dropout(x, p, training, generator);
    }

    public static Tensor dropout(Tensor x, double p, boolean training) {
        return DropoutOps.dropout(x, p, training, Generator.global());
    }

    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor keyPaddingMask, boolean causal) {
        return AttentionOps.scaledDotProductAttention(q, k, v, keyPaddingMask, causal, Double.NaN);
    }

    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor keyPaddingMask, boolean causal, double scale) {
        return AttentionOps.scaledDotProductAttention(q, k, v, keyPaddingMask, causal, scale);
    }

    /**
     * Multi-head self-attention on a packed projection qkv [b, t, 3 c] (q, k, v per token, heads in order), giving
     * the heads concatenated [b, t, c]; see {@link PackedAttentionOps}. scale 1/sqrt(c / heads).
     */
    public static Tensor selfAttentionPacked(Tensor qkv, int heads, Tensor keyPaddingMask, boolean causal) {
        return PackedAttentionOps.selfAttention(qkv, heads, keyPaddingMask, causal, Double.NaN);
    }

    public static Tensor selfAttentionPacked(Tensor qkv, int heads, Tensor keyPaddingMask, boolean causal, double scale) {
        return PackedAttentionOps.selfAttention(qkv, heads, keyPaddingMask, causal, scale);
    }

    public static Tensor embedding(Tensor weight, Tensor indices) { return IndexOps.embedding(weight, indices); }

    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return LossOps.crossEntropy(logits, labels, Reduction.MEAN, -100, 0.0);
    }

    public static Tensor crossEntropy(Tensor logits, Tensor labels, Reduction reduction, long ignoreIndex, double labelSmoothing) {
        return LossOps.crossEntropy(logits, labels, reduction, ignoreIndex, labelSmoothing);
    }

    public static Tensor nllLoss(Tensor logProbs, Tensor labels, Reduction reduction, long ignoreIndex) {
        return LossOps.nllLoss(logProbs, labels, reduction, ignoreIndex);
    }

    public static Tensor mseLoss(Tensor input, Tensor target) { return LossOps.mseLoss(input, target, Reduction.MEAN); }

    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) { return LossOps.mseLoss(input, target, reduction); }

    public static Tensor l1Loss(Tensor input, Tensor target) { return LossOps.l1Loss(input, target, Reduction.MEAN); }

    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) { return LossOps.l1Loss(input, target, reduction); }

    public static Tensor bceWithLogits(Tensor logits, Tensor target) {
        return LossOps.bceWithLogits(logits, target, null, Reduction.MEAN);
    }

    public static Tensor bceWithLogits(Tensor logits, Tensor target, Tensor posWeight, Reduction reduction) {
        return LossOps.bceWithLogits(logits, target, posWeight, reduction);
    }
}

package dev.nabla.runtime.nn;

import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.AttentionSpec;

/**
 * Attention's backward written with differentiable tensor ops, used only while a graph of the backward is
 * being built ({@code createGraph}, e.g. gradient penalties). Unlike the fused kernels it materialises the
 * {@code [b, h, tq, tk]} probabilities; that is the price of differentiating the backward itself.
 */
final class AttentionDoubleBackward {
    /** Large enough that exp underflows to 0 after the softmax's max shift, finite so an all-masked row is not NaN. */
    private static final double HIDDEN = -1e30;

    private AttentionDoubleBackward() {}

    static Tensor[] grads(Tensor q, Tensor k, Tensor v, Tensor out, Tensor mask, AttentionSpec spec, Tensor g) {
        double scale = spec.scale();
        Tensor p = probabilities(q, k, mask, spec);
        Tensor dv = p.matmul(g, true, false);
        Tensor dp = g.matmul(v, false, true);
        Tensor delta = g.mul(out).sum(new int[]{3}, true);
        Tensor ds = p.mul(dp.sub(delta));
        Tensor dq = ds.matmul(k).mul(scale);
        Tensor dk = ds.matmul(q, true, false).mul(scale);
        return new Tensor[]{dq, dk, dv};
    }

    /** softmax(q k^T * scale) with hidden keys at 0 and all-hidden rows entirely 0. */
    private static Tensor probabilities(Tensor q, Tensor k, Tensor mask, AttentionSpec s) {
        int b = s.batch(), tq = s.tq(), tk = s.tk(), off = tk - tq;
        double[] ignored = mask == null ? null : mask.toDoubleArray();
        double[] bias = new double[b * tq * tk];
        double[] valid = new double[b * tq];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < tq; i++) {
                for (int j = 0; j < tk; j++) {
                    boolean seen = !(s.causal() && j > i + off) && (ignored == null || ignored[n * tk + j] == 0.0);
                    bias[(n * tq + i) * tk + j] = seen ? 0.0 : HIDDEN;
                    if (seen) valid[n * tq + i] = 1.0;
                }
            }
        }
        Tensor biasT = Tensor.of(bias, Shape.of(b, 1, tq, tk), q.dtype(), q.device());
        Tensor validT = Tensor.of(valid, Shape.of(b, 1, tq, 1), q.dtype(), q.device());
        return q.matmul(k, false, true).mul(s.scale()).add(biasT).softmax(3).mul(validT);
    }
}

package dev.nabla.runtime.nn;

import dev.nabla.runtime.Tensor;

/**
 * Normalisation backward rules written with differentiable tensor ops, used only under createGraph
 * (double backward, Hessian-vector products). They recompute the statistics from x so that the second
 * derivative flows through them; the first-order path uses the fused kernels instead.
 */
final class NormComposites {
    private NormComposites() {}

    /**
     * Backward of y = xhat * w + b with xhat normalised over {@code statAxes} using the batch's own statistics.
     * {@code weightB} is the weight viewed to broadcast against x; parameter gradients sum over {@code paramAxes}.
     */
    static Tensor[] trainingBackward(Tensor g, Tensor x, Tensor weight, Tensor weightB, Tensor bias,
                                     int[] statAxes, int[] paramAxes, double eps) {
        Tensor mu = x.mean(statAxes, true);
        Tensor xc = x.sub(mu);
        Tensor rstd = xc.square().mean(statAxes, true).add(eps).rsqrt();
        Tensor xhat = xc.mul(rstd);
        Tensor gw = weightB == null ? g : g.mul(weightB);
        Tensor dx = rstd.mul(gw.sub(gw.mean(statAxes, true)).sub(xhat.mul(gw.mul(xhat).mean(statAxes, true))));
        return new Tensor[]{dx,
                wants(weight) ? sumTo(g.mul(xhat), paramAxes, weight) : null,
                wants(bias) ? sumTo(g, paramAxes, bias) : null};
    }

    /** Backward of evaluation-mode batch norm: y = (x - mean) rstd w + b with constant mean and rstd (viewed [1, c, 1...]). */
    static Tensor[] evaluationBackward(Tensor g, Tensor x, Tensor weight, Tensor weightB, Tensor bias,
                                       Tensor meanB, Tensor rstdB, int[] paramAxes) {
        Tensor scale = weightB == null ? rstdB : rstdB.mul(weightB);
        Tensor dx = g.mul(scale);
        return new Tensor[]{dx,
                wants(weight) ? sumTo(g.mul(x.sub(meanB).mul(rstdB)), paramAxes, weight) : null,
                wants(bias) ? sumTo(g, paramAxes, bias) : null};
    }

    private static boolean wants(Tensor p) { return p != null && p.requiresGrad(); }

    private static Tensor sumTo(Tensor t, int[] axes, Tensor param) {
        Tensor s = axes.length == 0 ? t : t.sum(axes, false);
        return s.shape().equals(param.shape()) ? s : s.reshape(param.dims());
    }
}

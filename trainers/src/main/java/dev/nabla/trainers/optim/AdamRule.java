package dev.nabla.trainers.optim;

import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.BinaryOp;

/** The moment update shared by {@link Adam} and {@link AdamW} (PyTorch's {@code _single_tensor_adam} after weight decay). */
final class AdamRule {
    private AdamRule() {}

    static void apply(Tensor p, Tensor g, ParamState s, double lr, double beta1, double beta2, double eps, boolean amsgrad) {
        Tensor expAvg = s.buffer("exp_avg", () -> Tensor.zerosLike(p));
        Tensor expAvgSq = s.buffer("exp_avg_sq", () -> Tensor.zerosLike(p));
        Optimizer.mulInPlace(expAvg, beta1);
        Optimizer.addInPlace(expAvg, g, 1 - beta1);
        Optimizer.mulInPlace(expAvgSq, beta2);
        Optimizer.addInPlace(expAvgSq, g.mul(g), 1 - beta2);
        long t = s.step();
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        double stepSize = lr / bc1;
        double bc2Sqrt = Math.sqrt(bc2);
        Tensor second = expAvgSq;
        if (amsgrad) {
            Tensor max = s.buffer("max_exp_avg_sq", () -> Tensor.zerosLike(p));
            max.applyInPlace(BinaryOp.MAXIMUM, expAvgSq);
            second = max;
        }
        Tensor denom = second.sqrt().div(bc2Sqrt).add(eps);
        Optimizer.addInPlace(p, expAvg.div(denom), -stepSize);
    }
}

package dev.nabla.trainers.optim;

import dev.nabla.runtime.Tensor;

/**
 * The update shared by {@link Adam} and {@link AdamW} (PyTorch's {@code _single_tensor_adam}): state buffers
 * and bias corrections here, the arithmetic in the backend's fused {@code optim().adam} kernel.
 */
final class AdamRule {
    private AdamRule() {}

    static void apply(Tensor p, Tensor grad, ParamState s, double lr, double beta1, double beta2, double eps, boolean amsgrad,
                      double weightDecay, boolean decoupled) {
        Tensor expAvg = s.buffer("exp_avg", () -> Tensor.zerosLike(p));
        Tensor expAvgSq = s.buffer("exp_avg_sq", () -> Tensor.zerosLike(p));
        Tensor max = amsgrad ? s.buffer("max_exp_avg_sq", () -> Tensor.zerosLike(p)) : null;
        long t = s.step();
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        p.backend().optim().adam(p.buffer(), grad.buffer(), expAvg.buffer(), expAvgSq.buffer(), Optimizer.buffer(max), lr,
                beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
    }
}

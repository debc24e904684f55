package dev.nabla.runtime.cuda;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.OptimChecks;
import dev.nabla.runtime.backend.OptimKernels;

/**
 * Fused optimiser updates of optim.cu, one grid-stride launch per parameter, scalars passed in the
 * parameter's dtype. The Adam kernel has no AMSGrad option, so AMSGrad is composed: the moment update
 * (adam with lr 0, which leaves the parameter as it is), {@code max_exp_avg_sq = max(max_exp_avg_sq, exp_avg_sq)}
 * with the elementwise family, then the step from the maximum (adam with betas 1 over
 * {@code (exp_avg, max_exp_avg_sq)} and {@code exp_avg} as the gradient, which keeps both state buffers as
 * they are). Three launches and a scratch buffer instead of one.
 */
final class CudaOptim extends CudaFamily implements OptimKernels {
    static final KernelNames KERNELS = KernelNames.create()
            .add("optim", KernelNames.FLOATS, "sgd", "adam", "adagrad", "rmsprop");

    CudaOptim(CudaBackend backend) { super(backend); }

    @Override public void sgd(Buffer param, Buffer grad, Buffer momentumBuf, double lr, double momentum, double dampening,
                              double weightDecay, boolean nesterov, boolean firstStep) {
        String op = "sgd";
        OptimChecks.sgd(param, grad, momentumBuf, momentum);
        CudaBuffer p = buf(param, op), g = buf(grad, op);
        CudaBuffer b = momentum != 0 ? buf(momentumBuf, op) : null;
        long n = p.size();
        if (n == 0) return;
        var dt = p.dtype();
        launch("optim", k("sgd", dt), CudaLauncher.Grid.linear(n), p, g, b, n, t(dt, lr), t(dt, momentum), t(dt, dampening),
                t(dt, weightDecay), nesterov ? 1 : 0, firstStep ? 1 : 0);
    }

    @Override public void adam(Buffer param, Buffer grad, Buffer expAvg, Buffer expAvgSq, Buffer maxExpAvgSq, double lr,
                               double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                               double biasCorrection1, double biasCorrection2) {
        String op = decoupled ? "adamw" : "adam";
        OptimChecks.adam(op, param, grad, expAvg, expAvgSq, maxExpAvgSq);
        CudaBuffer p = buf(param, op), g = buf(grad, op), m = buf(expAvg, op), v = buf(expAvgSq, op);
        CudaBuffer vMax = maxExpAvgSq == null ? null : buf(maxExpAvgSq, op);
        long n = p.size();
        if (n == 0) return;
        var dt = p.dtype();
        var grid = CudaLauncher.Grid.linear(n);
        String kernel = k("adam", dt);
        if (vMax == null) {
            launch("optim", kernel, grid, p, g, m, v, n, t(dt, lr), t(dt, beta1), t(dt, beta2), t(dt, eps), t(dt, weightDecay),
                    t(dt, biasCorrection1), t(dt, biasCorrection2), decoupled ? 1 : 0);
            return;
        }
        if (n > Integer.MAX_VALUE) {
            throw new InvalidArgumentException(op + ": AMSGrad on CUDA supports at most " + Integer.MAX_VALUE
                    + " elements per parameter, got " + n);
        }
        // 1. moments only: lr 0 leaves p; L2 decay enters g, otherwise 'decoupled' with decay 0 keeps g = grad exactly
        boolean l2 = !decoupled && weightDecay != 0;
        launch("optim", kernel, grid, p, g, m, v, n, t(dt, 0), t(dt, beta1), t(dt, beta2), t(dt, eps),
                t(dt, l2 ? weightDecay : 0), t(dt, biasCorrection1), t(dt, biasCorrection2), l2 ? 0 : 1);
        // 2. the running maximum of the second moment
        Shape flat = Shape.of((int) n);
        backend.elementwise().binaryInPlace(BinaryOp.MAXIMUM, vMax, flat, v, flat);
        // 3. the step from (m, vMax): betas 1 and g = m keep both buffers; AdamW's decay happens here
        launch("optim", kernel, grid, p, m, m, vMax, n, t(dt, lr), t(dt, 1), t(dt, 1), t(dt, eps),
                t(dt, decoupled ? weightDecay : 0), t(dt, biasCorrection1), t(dt, biasCorrection2), 1);
    }

    @Override public void adagrad(Buffer param, Buffer grad, Buffer sum, double clr, double weightDecay, double eps) {
        String op = "adagrad";
        OptimChecks.adagrad(param, grad, sum);
        CudaBuffer p = buf(param, op), g = buf(grad, op), s = buf(sum, op);
        long n = p.size();
        if (n == 0) return;
        var dt = p.dtype();
        launch("optim", k("adagrad", dt), CudaLauncher.Grid.linear(n), p, g, s, n, t(dt, clr), t(dt, weightDecay), t(dt, eps));
    }

    @Override public void rmsprop(Buffer param, Buffer grad, Buffer squareAvg, Buffer momentumBuf, Buffer gradAvg, double lr,
                                  double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        String op = "rmsprop";
        OptimChecks.rmsprop(param, grad, squareAvg, momentumBuf, gradAvg, momentum, centered);
        CudaBuffer p = buf(param, op), g = buf(grad, op), sq = buf(squareAvg, op);
        CudaBuffer b = momentum > 0 ? buf(momentumBuf, op) : null;
        CudaBuffer ga = centered ? buf(gradAvg, op) : null;
        long n = p.size();
        if (n == 0) return;
        var dt = p.dtype();
        launch("optim", k("rmsprop", dt), CudaLauncher.Grid.linear(n), p, g, sq, b, ga, n, t(dt, lr), t(dt, alpha), t(dt, eps),
                t(dt, weightDecay), t(dt, momentum > 0 ? momentum : 0), centered ? 1 : 0);
    }
}

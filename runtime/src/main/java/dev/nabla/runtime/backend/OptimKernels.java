package dev.nabla.runtime.backend;

/**
 * Fused, in-place optimiser updates over the flat buffers of one parameter: each call reads the gradient
 * once and updates the parameter and its state buffers in one pass over memory. Semantics are those of
 * PyTorch 1.13's single-tensor {@code torch.optim} implementations; step-dependent scalars (bias corrections,
 * decayed learning rates) are computed by the caller. Every buffer has the parameter's size and dtype
 * (FLOAT32 or FLOAT64), the arithmetic is in that dtype, and the gradient is read only. Arguments are checked
 * by {@link OptimChecks} before anything is written.
 */
public interface OptimKernels {
    /**
     * SGD with optional momentum ({@code torch.optim.SGD}):
     * <pre>
     * g = grad + weightDecay * p                          (weightDecay != 0)
     * momentum != 0: buf = firstStep ? g : momentum * buf + (1 - dampening) * g
     *                g = nesterov ? g + momentum * buf : buf
     * p -= lr * g
     * </pre>
     * {@code momentumBuf} may be null iff {@code momentum == 0}; {@code firstStep} initialises it to g.
     */
    void sgd(Buffer param, Buffer grad, Buffer momentumBuf, double lr, double momentum, double dampening,
             double weightDecay, boolean nesterov, boolean firstStep);

    /**
     * Adam / AdamW ({@code torch.optim.Adam}, {@code torch.optim.AdamW}):
     * <pre>
     * decoupled: p *= 1 - lr * weightDecay;   otherwise g = grad + weightDecay * p   (weightDecay != 0)
     * m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
     * amsgrad (vMax != null): vMax = max(vMax, v), used below in place of v
     * p -= lr / biasCorrection1 * m / (sqrt(v) / sqrt(biasCorrection2) + eps)
     * </pre>
     * {@code biasCorrectionK = 1 - betaK^step} with the step counted from 1.
     */
    void adam(Buffer param, Buffer grad, Buffer expAvg, Buffer expAvgSq, Buffer maxExpAvgSq, double lr, double beta1,
              double beta2, double eps, double weightDecay, boolean decoupled, double biasCorrection1, double biasCorrection2);

    /**
     * Adagrad ({@code torch.optim.Adagrad}); {@code clr = lr / (1 + (step - 1) * lrDecay)} from the caller:
     * <pre>
     * g = grad + weightDecay * p;   sum += g * g;   p -= clr * g / (sqrt(sum) + eps)
     * </pre>
     */
    void adagrad(Buffer param, Buffer grad, Buffer sum, double clr, double weightDecay, double eps);

    /**
     * RMSProp ({@code torch.optim.RMSprop}):
     * <pre>
     * g = grad + weightDecay * p;   sq = alpha * sq + (1 - alpha) * g * g
     * centered: ga = alpha * ga + (1 - alpha) * g;  avg = sqrt(sq - ga * ga) + eps;  else avg = sqrt(sq) + eps
     * momentum > 0: buf = momentum * buf + g / avg;  p -= lr * buf;   else p -= lr * g / avg
     * </pre>
     * {@code momentumBuf} may be null iff {@code momentum == 0}; {@code gradAvg} may be null iff not centered.
     */
    void rmsprop(Buffer param, Buffer grad, Buffer squareAvg, Buffer momentumBuf, Buffer gradAvg, double lr, double alpha,
                 double eps, double weightDecay, double momentum, boolean centered);
}

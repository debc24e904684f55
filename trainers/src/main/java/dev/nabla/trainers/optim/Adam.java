package dev.nabla.trainers.optim;

import dev.nabla.runtime.Tensor;

import java.util.List;

/**
 * Adam (optionally AMSGrad) with L2 weight decay added to the gradient, as {@code torch.optim.Adam}:
 * <pre>
 * g = grad + wd * p
 * m = b1 * m + (1 - b1) * g;   v = b2 * v + (1 - b2) * g * g;   vmax = max(vmax, v) (AMSGrad)
 * p -= lr / (1 - b1^t) * m / (sqrt(v or vmax) / sqrt(1 - b2^t) + eps)
 * </pre>
 * For decoupled weight decay use {@link AdamW}.
 */
public final class Adam extends Optimizer {
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        public Options {
            require(lr >= 0, "Adam: learning rate must be >= 0, got " + lr);
            require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam: betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
            require(eps >= 0, "Adam: eps must be >= 0, got " + eps);
            require(weightDecay >= 0, "Adam: weight decay must be >= 0, got " + weightDecay);
        }

        /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
        public static Options defaults() { return new Options(1e-3, 0.9, 0.999, 1e-8, 0, false); }

        public Options lr(double v) { return new Options(v, beta1, beta2, eps, weightDecay, amsgrad); }

        public Options betas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay, amsgrad); }

        public Options eps(double v) { return new Options(lr, beta1, beta2, v, weightDecay, amsgrad); }

        public Options weightDecay(double v) { return new Options(lr, beta1, beta2, eps, v, amsgrad); }

        public Options amsgrad(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, v); }
    }

    private final Options options;

    public Adam(List<Tensor> params, double lr) { this(Options.defaults().lr(lr), ParamGroup.of(params)); }

    public Adam(List<Tensor> params, Options options) { this(options, ParamGroup.of(params)); }

    public Adam(Options options, ParamGroup... groups) {
        super("Adam", List.of(groups), options.lr(), options.weightDecay());
        this.options = options;
    }

    public Options options() { return options; }

    @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
        AdamRule.apply(p, grad, s, group.lr(), options.beta1(), options.beta2(), options.eps(), options.amsgrad(),
                group.weightDecay(), false);
    }
}

package dev.nabla.trainers.optim;

import dev.nabla.runtime.Tensor;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as {@code torch.optim.AdamW}: first
 * {@code p *= 1 - lr * wd}, then the {@link Adam} update without decay on the gradient. PyTorch's default
 * weight decay is 1e-2.
 */
public final class AdamW extends Optimizer {
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        public Options {
            require(lr >= 0, "AdamW: learning rate must be >= 0, got " + lr);
            require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "AdamW: betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
            require(eps >= 0, "AdamW: eps must be >= 0, got " + eps);
            require(weightDecay >= 0, "AdamW: weight decay must be >= 0, got " + weightDecay);
        }

        /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2. */
        public static Options defaults() { return new Options(1e-3, 0.9, 0.999, 1e-8, 1e-2, false); }

        public Options lr(double v) { return new Options(v, beta1, beta2, eps, weightDecay, amsgrad); }

        public Options betas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay, amsgrad); }

        public Options eps(double v) { return new Options(lr, beta1, beta2, v, weightDecay, amsgrad); }

        public Options weightDecay(double v) { return new Options(lr, beta1, beta2, eps, v, amsgrad); }

        public Options amsgrad(boolean v) { return new Options(lr, beta1, beta2, eps, weightDecay, v); }
    }

    private final Options options;

    public AdamW(List<Tensor> params, Options options) { this(options, ParamGroup.of(params)); }

    public AdamW(Options options, ParamGroup... groups) {
        super("AdamW", List.of(groups), options.lr(), options.weightDecay());
        this.options = options;
    }

    public Options options() { return options; }

    @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
        AdamRule.apply(p, grad, s, group.lr(), options.beta1(), options.beta2(), options.eps(), options.amsgrad(),
                group.weightDecay(), true);
    }
}

package dev.nabla.trainers.optim;

import dev.nabla.runtime.Tensor;

import java.util.List;

/**
 * Adagrad, as {@code torch.optim.Adagrad}:
 * <pre>
 * g = grad + wd * p
 * clr = lr / (1 + (t - 1) * lrDecay)
 * sum += g * g
 * p -= clr * g / (sqrt(sum) + eps)
 * </pre>
 */
public final class Adagrad extends Optimizer {
    public record Options(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps) {
        public Options {
            require(lr >= 0, "Adagrad: learning rate must be >= 0, got " + lr);
            require(lrDecay >= 0, "Adagrad: lr decay must be >= 0, got " + lrDecay);
            require(weightDecay >= 0, "Adagrad: weight decay must be >= 0, got " + weightDecay);
            require(initialAccumulatorValue >= 0, "Adagrad: initial accumulator value must be >= 0, got " + initialAccumulatorValue);
            require(eps >= 0, "Adagrad: eps must be >= 0, got " + eps);
        }

        /** PyTorch's defaults: lr 1e-2, no decay, eps 1e-10. */
        public static Options defaults() { return new Options(1e-2, 0, 0, 0, 1e-10); }

        public Options lr(double v) { return new Options(v, lrDecay, weightDecay, initialAccumulatorValue, eps); }

        public Options lrDecay(double v) { return new Options(lr, v, weightDecay, initialAccumulatorValue, eps); }

        public Options weightDecay(double v) { return new Options(lr, lrDecay, v, initialAccumulatorValue, eps); }

        public Options initialAccumulatorValue(double v) { return new Options(lr, lrDecay, weightDecay, v, eps); }

        public Options eps(double v) { return new Options(lr, lrDecay, weightDecay, initialAccumulatorValue, v); }
    }

    private final Options options;

    public Adagrad(List<Tensor> params, Options options) { this(options, ParamGroup.of(params)); }

    public Adagrad(Options options, ParamGroup... groups) {
        super("Adagrad", List.of(groups), options.lr(), options.weightDecay());
        this.options = options;
    }

    public Options options() { return options; }

    @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
        Tensor sum = s.buffer("sum", () -> Tensor.fullLike(p, options.initialAccumulatorValue()));
        double clr = group.lr() / (1 + (s.step() - 1) * options.lrDecay());
        p.backend().optim().adagrad(p.buffer(), grad.buffer(), sum.buffer(), clr, group.weightDecay(), options.eps());
    }
}

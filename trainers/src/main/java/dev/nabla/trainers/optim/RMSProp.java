package dev.nabla.trainers.optim;

import dev.nabla.runtime.Tensor;

import java.util.List;

/**
 * RMSProp with optional momentum and centring, as {@code torch.optim.RMSprop}:
 * <pre>
 * g = grad + wd * p
 * v = alpha * v + (1 - alpha) * g * g
 * avg = centered ? sqrt(v - m * m) + eps  (m = alpha * m + (1 - alpha) * g) : sqrt(v) + eps
 * momentum > 0: buf = momentum * buf + g / avg;  p -= lr * buf
 * otherwise:    p -= lr * g / avg
 * </pre>
 */
public final class RMSProp extends Optimizer {
    public record Options(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        public Options {
            require(lr >= 0, "RMSProp: learning rate must be >= 0, got " + lr);
            require(alpha >= 0, "RMSProp: alpha must be >= 0, got " + alpha);
            require(eps >= 0, "RMSProp: eps must be >= 0, got " + eps);
            require(weightDecay >= 0, "RMSProp: weight decay must be >= 0, got " + weightDecay);
            require(momentum >= 0, "RMSProp: momentum must be >= 0, got " + momentum);
        }

        /** PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8. */
        public static Options defaults() { return new Options(1e-2, 0.99, 1e-8, 0, 0, false); }

        public Options lr(double v) { return new Options(v, alpha, eps, weightDecay, momentum, centered); }

        public Options alpha(double v) { return new Options(lr, v, eps, weightDecay, momentum, centered); }

        public Options eps(double v) { return new Options(lr, alpha, v, weightDecay, momentum, centered); }

        public Options weightDecay(double v) { return new Options(lr, alpha, eps, v, momentum, centered); }

        public Options momentum(double v) { return new Options(lr, alpha, eps, weightDecay, v, centered); }

        public Options centered(boolean v) { return new Options(lr, alpha, eps, weightDecay, momentum, v); }
    }

    private final Options options;

    public RMSProp(List<Tensor> params, Options options) { this(options, ParamGroup.of(params)); }

    public RMSProp(Options options, ParamGroup... groups) {
        super("RMSProp", List.of(groups), options.lr(), options.weightDecay());
        this.options = options;
    }

    public Options options() { return options; }

    @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
        Tensor squareAvg = s.buffer("square_avg", () -> Tensor.zerosLike(p));
        Tensor gradAvg = options.centered() ? s.buffer("grad_avg", () -> Tensor.zerosLike(p)) : null;
        Tensor buf = options.momentum() > 0 ? s.buffer("momentum_buffer", () -> Tensor.zerosLike(p)) : null;
        p.backend().optim().rmsprop(p.buffer(), grad.buffer(), squareAvg.buffer(), buffer(buf), buffer(gradAvg), group.lr(),
                options.alpha(), options.eps(), group.weightDecay(), options.momentum(), options.centered());
    }
}

package dev.nabla.trainers.optim;

import dev.nabla.runtime.Tensor;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum (heavy-ball or Nesterov), dampening and L2 weight
 * decay, as {@code torch.optim.SGD}:
 * <pre>
 * g = grad + wd * p
 * buf = g (first step) | momentum * buf + (1 - dampening) * g
 * g = nesterov ? g + momentum * buf : buf        (when momentum != 0)
 * p -= lr * g
 * </pre>
 */
public final class SGD extends Optimizer {
    /** Hyper-parameters; {@code lr} and {@code weightDecay} are the defaults for groups that set none. */
    public record Options(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        public Options {
            require(lr >= 0, "SGD: learning rate must be >= 0, got " + lr);
            require(momentum >= 0, "SGD: momentum must be >= 0, got " + momentum);
            require(weightDecay >= 0, "SGD: weight decay must be >= 0, got " + weightDecay);
            require(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum requires momentum > 0 and zero dampening, got momentum "
                    + momentum + " and dampening " + dampening);
        }

        public static Options lr(double lr) { return new Options(lr, 0, 0, false, 0); }

        public Options momentum(double v) { return new Options(lr, v, dampening, nesterov, weightDecay); }

        public Options dampening(double v) { return new Options(lr, momentum, v, nesterov, weightDecay); }

        public Options nesterov(boolean v) { return new Options(lr, momentum, dampening, v, weightDecay); }

        public Options weightDecay(double v) { return new Options(lr, momentum, dampening, nesterov, v); }
    }

    private final Options options;

    public SGD(List<Tensor> params, double lr) { this(Options.lr(lr), ParamGroup.of(params)); }

    public SGD(List<Tensor> params, Options options) { this(options, ParamGroup.of(params)); }

    public SGD(Options options, ParamGroup... groups) {
        super("SGD", List.of(groups), options.lr(), options.weightDecay());
        this.options = options;
    }

    public Options options() { return options; }

    @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
        double m = options.momentum();
        Tensor buf = null;
        boolean first = false;
        if (m != 0) {
            buf = s.buffer("momentum_buffer");
            if (buf == null) { // PyTorch starts the buffer at the first (decayed) gradient; the kernel writes it
                buf = s.buffer("momentum_buffer", () -> Tensor.zerosLike(p));
                first = true;
            }
        }
        p.backend().optim().sgd(p.buffer(), grad.buffer(), buffer(buf), group.lr(), m, options.dampening(),
                group.weightDecay(), options.nesterov(), first);
    }
}

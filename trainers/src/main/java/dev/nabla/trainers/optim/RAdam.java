package dev.nabla.trainers.optim;

import dev.nabla.runtime.Tensor;

import java.util.List;

/**
 * Rectified Adam (Liu et al. 2019), as {@code torch.optim.RAdam}: Adam's moments, but while the length of
 * the approximated simple moving average {@code rho_t} is at most 5 the step is plain momentum SGD
 * ({@code p -= lr * m / (1 - b1^t)}); after that it is the adaptive step scaled by the variance rectification
 * term {@code r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))}.
 */
public final class RAdam extends Optimizer {
    /** The SMA length above which the adaptive step is used (PyTorch's threshold). */
    public static final double RHO_THRESHOLD = 5.0;

    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay) {
        public Options {
            require(lr >= 0, "RAdam: learning rate must be >= 0, got " + lr);
            require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "RAdam: betas must lie in [0, 1), got (" + beta1 + ", " + beta2 + ")");
            require(eps >= 0, "RAdam: eps must be >= 0, got " + eps);
            require(weightDecay >= 0, "RAdam: weight decay must be >= 0, got " + weightDecay);
        }

        /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
        public static Options defaults() { return new Options(1e-3, 0.9, 0.999, 1e-8, 0); }

        public Options lr(double v) { return new Options(v, beta1, beta2, eps, weightDecay); }

        public Options betas(double b1, double b2) { return new Options(lr, b1, b2, eps, weightDecay); }

        public Options eps(double v) { return new Options(lr, beta1, beta2, v, weightDecay); }

        public Options weightDecay(double v) { return new Options(lr, beta1, beta2, eps, v); }
    }

    private final Options options;

    public RAdam(List<Tensor> params, Options options) { this(options, ParamGroup.of(params)); }

    public RAdam(Options options, ParamGroup... groups) {
        super("RAdam", List.of(groups), options.lr(), options.weightDecay());
        this.options = options;
    }

    public Options options() { return options; }

    @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
        double b1 = options.beta1(), b2 = options.beta2(), lr = group.lr();
        long t = s.step();
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        Tensor g = group.weightDecay() != 0 ? addScaled(grad, p, group.weightDecay()) : grad;
        Tensor expAvg = s.buffer("exp_avg", () -> Tensor.zerosLike(p));
        Tensor expAvgSq = s.buffer("exp_avg_sq", () -> Tensor.zerosLike(p));
        mulInPlace(expAvg, b1);
        addInPlace(expAvg, g, 1 - b1);
        mulInPlace(expAvgSq, b2);
        addInPlace(expAvgSq, g.mul(g), 1 - b2);
        Tensor corrected = expAvg.div(bc1);
        double rhoInf = 2 / (1 - b2) - 1;
        double rhoT = rhoInf - 2 * t * Math.pow(b2, t) / bc2;
        if (rhoT > RHO_THRESHOLD) {
            double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            Tensor adaptiveLr = expAvgSq.sqrt().add(options.eps()).reciprocal().mul(Math.sqrt(bc2));
            addInPlace(p, corrected.mul(lr).mul(adaptiveLr).mul(rect), -1.0);
        } else {
            addInPlace(p, corrected.mul(lr), -1.0);
        }
    }
}

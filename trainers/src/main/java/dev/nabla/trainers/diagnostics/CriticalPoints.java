package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Classifies the current parameters as a critical point of the loss by the second-order test: the gradient
 * norm says whether it is critical at all, the Hessian's eigenvalues say what kind. Small models get the
 * full spectrum ({@link FullHessian}); larger ones the extremes by {@link Lanczos} and the share of positive
 * eigenvalues by stochastic Lanczos quadrature, and the report says which ({@link SpectrumSource}). For a
 * saddle point the loss is evaluated along the eigenvector of the most negative eigenvalue, which shows the
 * way down.
 *
 * <pre>{@code
 * CriticalPoints.Report r = CriticalPoints.classify(model.parameters(), () -> loss(model, x, y),
 *         CriticalPoints.Options.defaults());
 * System.out.println(r.summary());
 * }</pre>
 */
public final class CriticalPoints {
    private static final Logger LOG = LoggerFactory.getLogger(CriticalPoints.class);

    private CriticalPoints() {}

    public enum Verdict {
        /** Every eigenvalue above the tolerance. */
        LOCAL_MINIMUM,
        /** Every eigenvalue below minus the tolerance. */
        LOCAL_MAXIMUM,
        /** Eigenvalues clearly of both signs. */
        SADDLE_POINT,
        /** Some eigenvalues within the tolerance of zero and none of the other sign: the second-order test is inconclusive. */
        DEGENERATE,
        /** The gradient norm is above the gradient tolerance: not a critical point. */
        NOT_CRITICAL
    }

    public enum SpectrumSource {
        /** Every eigenvalue, from the dense Hessian. */
        FULL_HESSIAN,
        /** Extremes from Lanczos Ritz values; positive ratio from stochastic Lanczos quadrature (an estimate). */
        LANCZOS_ESTIMATE
    }

    /**
     * @param gradientTolerance largest gradient norm still called critical
     * @param eigenTolerance    eigenvalues within ±this count as zero
     * @param fullSpectrumLimit use the dense Hessian up to this many parameters, Lanczos above
     * @param lanczosIterations Krylov dimension per Lanczos run
     * @param probes            Lanczos runs (random start vectors) averaged for the positive-ratio estimate
     * @param seed              seed of the first start vector (probe p uses seed + p)
     * @param steps             step sizes along the descent eigenvector for a saddle (parameter-space distance)
     */
    public record Options(double gradientTolerance, double eigenTolerance, int fullSpectrumLimit, int lanczosIterations,
                          int probes, long seed, double[] steps) {
        public Options {
            if (!(gradientTolerance >= 0) || !(eigenTolerance >= 0)) {
                throw new InvalidArgumentException("CriticalPoints.Options: tolerances must be non-negative, got gradient "
                        + gradientTolerance + ", eigen " + eigenTolerance);
            }
            if (fullSpectrumLimit < 0 || lanczosIterations < 1 || probes < 1) {
                throw new InvalidArgumentException("CriticalPoints.Options: fullSpectrumLimit " + fullSpectrumLimit
                        + " must be >= 0, lanczosIterations " + lanczosIterations + " and probes " + probes + " >= 1");
            }
            steps = steps == null ? new double[0] : steps.clone();
        }

        /** Gradient tolerance 1e-3, eigen tolerance 1e-6, full spectrum up to 1024 parameters, 40 Lanczos steps, 4 probes. */
        public static Options defaults() {
            return new Options(1e-3, 1e-6, 1024, 40, 4, 0L, new double[]{0.01, 0.03, 0.1, 0.3, 1.0});
        }

        public Options withGradientTolerance(double t) { return new Options(t, eigenTolerance, fullSpectrumLimit, lanczosIterations, probes, seed, steps); }

        public Options withEigenTolerance(double t) { return new Options(gradientTolerance, t, fullSpectrumLimit, lanczosIterations, probes, seed, steps); }

        public Options withFullSpectrumLimit(int n) { return new Options(gradientTolerance, eigenTolerance, n, lanczosIterations, probes, seed, steps); }

        public Options withLanczos(int iterations, int probes) { return new Options(gradientTolerance, eigenTolerance, fullSpectrumLimit, iterations, probes, seed, steps); }

        public Options withSeed(long s) { return new Options(gradientTolerance, eigenTolerance, fullSpectrumLimit, lanczosIterations, probes, s, steps); }

        public Options withSteps(double... s) { return new Options(gradientTolerance, eigenTolerance, fullSpectrumLimit, lanczosIterations, probes, seed, s); }
    }

    /** The loss at distance {@code step} along the descent direction, and the second-order prediction L0 + t g·v + t²λ/2. */
    public record StepLoss(double step, double loss, double predicted) {}

    /**
     * @param eigenvalues       the full spectrum (FULL_HESSIAN) or the Ritz values of the first probe (LANCZOS_ESTIMATE), ascending
     * @param descentDirection  unit eigenvector of the most negative eigenvalue, or null when none is negative
     * @param descent           the loss along it at 0 and each step (empty unless a negative eigenvalue was found)
     */
    public record Report(int parameters, double loss, double gradientNorm, Verdict verdict, SpectrumSource source,
                         double smallestEigenvalue, double largestEigenvalue, double positiveRatio,
                         double[] eigenvalues, double[] descentDirection, List<StepLoss> descent) {
        /** A few lines for a console. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "parameters %d, loss %.6g, gradient norm %.3g%n", parameters, loss, gradientNorm));
            sb.append(String.format(Locale.ROOT, "eigenvalues in [%.6g, %.6g] (%s)%n", smallestEigenvalue, largestEigenvalue,
                    source == SpectrumSource.FULL_HESSIAN ? "full Hessian" : "Lanczos extremes"));
            sb.append(String.format(Locale.ROOT, "positive eigenvalues: %.1f%% (%s)%n", 100 * positiveRatio,
                    source == SpectrumSource.FULL_HESSIAN ? "exact count" : "estimated by stochastic Lanczos quadrature"));
            sb.append("verdict: ").append(verdict.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append('\n');
            for (StepLoss s : descent) {
                sb.append(String.format(Locale.ROOT, "  step %-8.3g loss %.6g (quadratic model %.6g)%n", s.step(), s.loss(), s.predicted()));
            }
            return sb.toString();
        }
    }

    /** Classifies the current values of {@code params} for {@code loss} (recomputed from them). */
    public static Report classify(List<Tensor> params, Supplier<Tensor> loss, Options options) {
        return classify(HessianVectorProduct.of(params, loss), options);
    }

    public static Report classify(HessianVectorProduct hvp, Options options) {
        if (options == null) throw new InvalidArgumentException("CriticalPoints.classify: options are null");
        int n = hvp.dimension();
        double loss = hvp.loss();
        double[] grad = hvp.gradient();
        double gnorm = ParameterVector.norm(grad);
        double tol = options.eigenTolerance();

        SpectrumSource source;
        double[] eigenvalues;
        double smallest, largest, ratio;
        double[] negVector = null;
        if (n <= options.fullSpectrumLimit()) {
            source = SpectrumSource.FULL_HESSIAN;
            SymmetricEigen eig = FullHessian.compute(hvp, Math.max(n, 1)).eigen();
            eigenvalues = eig.values();
            smallest = eig.smallest();
            largest = eig.largest();
            int positive = 0;
            for (double l : eigenvalues) if (l > tol) positive++;
            ratio = (double) positive / n;
            if (smallest < -tol) negVector = eig.vector(0);
        } else {
            source = SpectrumSource.LANCZOS_ESTIMATE;
            Lanczos.Result first = null;
            smallest = Double.POSITIVE_INFINITY;
            largest = Double.NEGATIVE_INFINITY;
            double share = 0;
            for (int p = 0; p < options.probes(); p++) {
                Lanczos.Result r = Lanczos.run(hvp, options.lanczosIterations(), options.seed() + p, true);
                if (first == null) first = r;
                if (r.smallest() < smallest) {
                    smallest = r.smallest();
                    negVector = r.smallestVector();
                }
                largest = Math.max(largest, r.largest());
                for (int j = 0; j < r.ritzValues().length; j++) if (r.ritzValues()[j] > tol) share += r.weights()[j];
            }
            eigenvalues = first.ritzValues();
            ratio = share / options.probes();
            if (smallest > tol) ratio = 1;
            else if (largest < -tol) ratio = 0;
            if (smallest >= -tol) negVector = null;
        }

        Verdict verdict;
        if (gnorm > options.gradientTolerance()) verdict = Verdict.NOT_CRITICAL;
        else if (smallest > tol) verdict = Verdict.LOCAL_MINIMUM;
        else if (largest < -tol) verdict = Verdict.LOCAL_MAXIMUM;
        else if (smallest < -tol && largest > tol) verdict = Verdict.SADDLE_POINT;
        else verdict = Verdict.DEGENERATE;

        List<StepLoss> descent = List.of();
        if (negVector != null) {
            if (ParameterVector.dot(grad, negVector) > 0) negVector = negate(negVector);
            descent = probe(hvp.parameters(), hvp, loss, grad, negVector, smallest, options.steps());
        }
        Report report = new Report(n, loss, gnorm, verdict, source, smallest, largest, ratio, eigenvalues, negVector, descent);
        LOG.info("critical point: {} ({} parameters, gradient norm {}, eigenvalues in [{}, {}], {} positive)",
                verdict, n, gnorm, smallest, largest, ratio);
        return report;
    }

    /** The loss at θ + t v for t = 0 and each step; the parameters are restored afterwards. */
    static List<StepLoss> probe(List<Tensor> params, HessianVectorProduct hvp, double loss0, double[] grad,
                                double[] v, double lambda, double[] steps) {
        double[] theta = ParameterVector.flatten(params);
        double slope = ParameterVector.dot(grad, v);
        List<StepLoss> out = new ArrayList<>(steps.length + 1);
        out.add(new StepLoss(0, loss0, loss0));
        try {
            for (double t : steps) {
                ParameterVector.assign(params, ParameterVector.axpy(t, v, theta));
                out.add(new StepLoss(t, hvp.loss(), loss0 + t * slope + 0.5 * lambda * t * t));
            }
        } finally {
            ParameterVector.assign(params, theta);
        }
        return List.copyOf(out);
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = -v[i];
        return out;
    }
}

package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.InvalidArgumentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The extreme eigenvalues of a symmetric operator (a Hessian through {@link HessianVectorProduct}) by the
 * Lanczos method with full reorthogonalisation: k products build an orthonormal Krylov basis Q and a
 * tridiagonal T = QᵀHQ whose eigenvalues (Ritz values) converge first to the extremes of the spectrum.
 * Reorthogonalising against every previous vector (twice, classical Gram-Schmidt) costs O(k² n) but keeps
 * the basis orthogonal so that no spurious copies of converged eigenvalues appear.
 *
 * <pre>{@code
 * Lanczos.Result r = Lanczos.run(hvp, 30, 0L, true);
 * r.largest(); r.smallest(); r.smallestVector();
 * }</pre>
 */
public final class Lanczos {
    private static final Logger LOG = LoggerFactory.getLogger(Lanczos.class);

    private Lanczos() {}

    /**
     * Outcome of a run.
     *
     * @param ritzValues      eigenvalues of T, ascending (m = iterations values)
     * @param weights         squared first components of T's eigenvectors: the Gauss quadrature weights of the
     *                        start vector's spectral measure (they sum to 1), used for spectral-density estimates
     * @param smallestResidual bound ‖H y − θ y‖ for the smallest Ritz pair (0 after an exact breakdown)
     * @param largestResidual  the same for the largest Ritz pair
     * @param iterations      m, the size of T (fewer than asked when an invariant subspace was found)
     * @param smallestVector  unit Ritz vector of the smallest Ritz value, or null when not requested
     * @param largestVector   unit Ritz vector of the largest Ritz value, or null when not requested
     */
    public record Result(double[] ritzValues, double[] weights, double smallestResidual, double largestResidual,
                         int iterations, double[] smallestVector, double[] largestVector) {
        public double smallest() { return ritzValues[0]; }

        public double largest() { return ritzValues[ritzValues.length - 1]; }
    }

    /**
     * Runs {@code iterations} Lanczos steps (at most n) from a seeded Gaussian start vector.
     *
     * @param ritzVectors also return the Ritz vectors of the smallest and largest Ritz values
     */
    public static Result run(SymmetricOperator op, int iterations, long seed, boolean ritzVectors) {
        if (op == null) throw new InvalidArgumentException("Lanczos.run: the operator is null");
        if (iterations < 1) {
            throw new InvalidArgumentException("Lanczos.run: iterations must be positive, got " + iterations);
        }
        int n = op.dimension();
        if (n < 1) throw new InvalidArgumentException("Lanczos.run: the operator has dimension " + n);
        Random rnd = new Random(seed);
        double[] q = new double[n];
        for (int i = 0; i < n; i++) q[i] = rnd.nextGaussian();
        return runFrom(op, q, iterations, ritzVectors);
    }

    /** Runs from the given start vector (normalised here; must be nonzero). */
    public static Result runFrom(SymmetricOperator op, double[] start, int iterations, boolean ritzVectors) {
        int n = op.dimension();
        if (start.length != n) {
            throw new InvalidArgumentException("Lanczos.runFrom: a start vector of " + start.length
                    + " values for an operator of dimension " + n);
        }
        double norm0 = ParameterVector.norm(start);
        if (!(norm0 > 0) || !Double.isFinite(norm0)) {
            throw new InvalidArgumentException("Lanczos.runFrom: the start vector has norm " + norm0);
        }
        int k = Math.min(iterations, n);
        return HessianVectorProduct.withSession(op, o -> iterate(o, scale(start, 1 / norm0), k, ritzVectors));
    }

    private static Result iterate(SymmetricOperator op, double[] q0, int k, boolean ritzVectors) {
        long t0 = System.nanoTime();
        List<double[]> basis = new ArrayList<>(k);
        double[] alpha = new double[k];
        double[] beta = new double[k]; // beta[j] couples q_j and q_{j+1}
        double[] q = q0;
        double anorm = 0;
        int m = 0;
        double lastBeta = 0;
        while (m < k) {
            basis.add(q);
            double[] w = op.apply(q);
            if (w.length != q.length) {
                throw new InvalidArgumentException("Lanczos: the operator returned " + w.length + " values for "
                        + q.length);
            }
            double a = ParameterVector.dot(w, q);
            alpha[m] = a;
            for (int pass = 0; pass < 2; pass++) {
                for (double[] qi : basis) {
                    double c = ParameterVector.dot(w, qi);
                    for (int i = 0; i < w.length; i++) w[i] -= c * qi[i];
                }
            }
            double b = ParameterVector.norm(w);
            anorm = Math.max(anorm, Math.abs(a) + b + (m > 0 ? beta[m - 1] : 0));
            m++;
            lastBeta = b;
            if (m == k) break;
            if (b <= 1e-12 * Math.max(anorm, Double.MIN_NORMAL)) { // Krylov space is invariant: T is exact
                lastBeta = 0;
                break;
            }
            beta[m - 1] = b;
            q = scale(w, 1 / b);
        }
        double[] diag = java.util.Arrays.copyOf(alpha, m);
        double[] off = java.util.Arrays.copyOf(beta, m - 1);
        SymmetricEigen t = SymmetricEigen.ofTridiagonal(diag, off);
        double[] weights = new double[m];
        for (int j = 0; j < m; j++) {
            double s0 = t.vector(j)[0];
            weights[j] = s0 * s0;
        }
        double resSmall = Math.abs(lastBeta * t.vector(0)[m - 1]);
        double resLarge = Math.abs(lastBeta * t.vector(m - 1)[m - 1]);
        double[] vs = ritzVectors ? ritzVector(basis, t.vector(0)) : null;
        double[] vl = ritzVectors ? ritzVector(basis, t.vector(m - 1)) : null;
        LOG.debug("Lanczos: {} iterations on n = {} in {} ms, extremes [{}, {}], residuals {} / {}",
                m, q0.length, (System.nanoTime() - t0) / 1_000_000, t.smallest(), t.largest(), resSmall, resLarge);
        return new Result(t.values(), weights, resSmall, resLarge, m, vs, vl);
    }

    private static double[] ritzVector(List<double[]> basis, double[] s) {
        int n = basis.get(0).length;
        double[] y = new double[n];
        for (int j = 0; j < s.length; j++) {
            double[] qj = basis.get(j);
            double c = s[j];
            for (int i = 0; i < n; i++) y[i] += c * qj[i];
        }
        double norm = ParameterVector.norm(y);
        return scale(y, 1 / norm);
    }

    private static double[] scale(double[] x, double c) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = c * x[i];
        return out;
    }
}

package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.InvalidArgumentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dense Hessian of a small model, column by column: H e_j for every unit vector e_j (n products on one
 * gradient graph), then symmetrised as (H + Hᵀ)/2. Meant for models of up to a few thousand parameters
 * (memory n² doubles, time n products plus an O(n³) eigen-decomposition); use {@link Lanczos} beyond.
 *
 * <pre>{@code
 * FullHessian h = FullHessian.compute(HessianVectorProduct.of(params, lossFn));
 * double[] spectrum = h.eigen().values();
 * }</pre>
 */
public final class FullHessian {
    /** The largest parameter count {@link #compute(HessianVectorProduct)} accepts without an explicit limit. */
    public static final int DEFAULT_MAX_PARAMETERS = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(FullHessian.class);

    private final double[][] matrix;
    private final double asymmetry;
    private SymmetricEigen eigen;

    private FullHessian(double[][] matrix, double asymmetry) {
        this.matrix = matrix;
        this.asymmetry = asymmetry;
    }

    /** The Hessian at the current parameters of {@code hvp}; at most {@link #DEFAULT_MAX_PARAMETERS} parameters. */
    public static FullHessian compute(HessianVectorProduct hvp) { return compute(hvp, DEFAULT_MAX_PARAMETERS); }

    /** The Hessian of {@code op} built from n products; refuses n above {@code maxParameters}. */
    public static FullHessian compute(SymmetricOperator op, int maxParameters) {
        int n = op.dimension();
        if (n > maxParameters) {
            throw new InvalidArgumentException("FullHessian.compute: " + n + " parameters exceed the limit of "
                    + maxParameters + " (an n x n matrix and n products); use Lanczos for the extreme eigenvalues");
        }
        long t0 = System.nanoTime();
        double[][] cols = HessianVectorProduct.withSession(op, FullHessian::columns);
        // cols[j] = H e_j is column j; average it with row j to remove rounding asymmetry.
        double[][] h = new double[n][n];
        double asym = 0, scale = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double a = cols[j][i], b = cols[i][j];
                h[i][j] = 0.5 * (a + b);
                asym = Math.max(asym, Math.abs(a - b));
                scale = Math.max(scale, Math.abs(a));
            }
        }
        LOG.debug("Hessian of {} parameters in {} ms, max |H - Hᵀ| = {} (max |H| = {})",
                n, (System.nanoTime() - t0) / 1_000_000, asym, scale);
        return new FullHessian(h, asym);
    }

    /** Wraps an explicit symmetric matrix (copied), e.g. to reuse the spectrum code on a known Hessian. */
    public static FullHessian of(double[][] matrix) {
        int n = SymmetricEigen.checkSquare("FullHessian.of", matrix);
        double[][] h = new double[n][];
        double asym = 0;
        for (int i = 0; i < n; i++) h[i] = matrix[i].clone();
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) asym = Math.max(asym, Math.abs(h[i][j] - h[j][i]));
        return new FullHessian(h, asym);
    }

    private static double[][] columns(SymmetricOperator op) {
        int n = op.dimension();
        double[][] cols = new double[n][];
        double[] e = new double[n];
        for (int j = 0; j < n; j++) {
            e[j] = 1;
            cols[j] = op.apply(e);
            e[j] = 0;
        }
        return cols;
    }

    public int dimension() { return matrix.length; }

    /** The symmetrised Hessian (a copy). */
    public double[][] matrix() {
        double[][] out = new double[matrix.length][];
        for (int i = 0; i < matrix.length; i++) out[i] = matrix[i].clone();
        return out;
    }

    public double get(int i, int j) { return matrix[i][j]; }

    /** max |H[i][j] - H[j][i]| before symmetrisation: a check on the products (rounding only, for a correct backward). */
    public double asymmetry() { return asymmetry; }

    /** The eigen-decomposition of the Hessian (computed once). */
    public SymmetricEigen eigen() {
        if (eigen == null) eigen = SymmetricEigen.of(matrix);
        return eigen;
    }
}

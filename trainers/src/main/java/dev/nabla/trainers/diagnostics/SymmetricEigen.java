package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;

/**
 * Eigenvalues and orthonormal eigenvectors of a real symmetric matrix, in pure Java: Householder reduction to
 * tridiagonal form, then the implicit QL algorithm with Wilkinson shifts (the classic tred2/tql2 pair of
 * EISPACK, as in JAMA). O(n^3) with a small constant, so the full Hessian of a model with a few thousand
 * parameters decomposes in seconds; {@link #ofTridiagonal} serves {@link Lanczos} directly.
 *
 * <pre>{@code
 * SymmetricEigen eig = SymmetricEigen.of(new double[][]{{2, 1}, {1, 2}});
 * eig.values();      // [1, 3], ascending
 * eig.vector(0);     // unit eigenvector of 1, i.e. ±[1, -1]/sqrt(2)
 * }</pre>
 */
public final class SymmetricEigen {
    private static final double EPS = Math.ulp(1.0);
    private static final int MAX_SHIFTS_PER_VALUE = 60;

    private final double[] values;
    /** vectors[j] is the unit eigenvector of values[j] (rows, so QL rotations touch contiguous memory). */
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes the symmetric matrix {@code a} (not modified; asymmetry beyond rounding is an error). */
    public static SymmetricEigen of(double[][] a) {
        int n = checkSquare("SymmetricEigen.of", a);
        double scale = 0;
        for (double[] row : a) {
            for (double x : row) {
                if (!Double.isFinite(x)) {
                    throw new InvalidArgumentException("SymmetricEigen.of: the " + n + "x" + n + " matrix holds " + x);
                }
                scale = Math.max(scale, Math.abs(x));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(a[i][j] - a[j][i]) > 1e-8 * scale) {
                    throw new InvalidArgumentException("SymmetricEigen.of: the " + n + "x" + n + " matrix is not symmetric: a["
                            + i + "][" + j + "] = " + a[i][j] + " but a[" + j + "][" + i + "] = " + a[j][i]);
                }
            }
        }
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) v[i] = a[i].clone();
        double[] d = new double[n];
        double[] e = new double[n];
        if (n == 0) return new SymmetricEigen(d, v);
        tred2(v, d, e);
        double[][] w = transpose(v);
        tql2(w, d, e);
        return sorted(d, w);
    }

    /**
     * Decomposes the symmetric tridiagonal matrix with diagonal {@code diag} (length k) and off-diagonal
     * {@code offDiag} (length k - 1).
     */
    public static SymmetricEigen ofTridiagonal(double[] diag, double[] offDiag) {
        int k = diag.length;
        if (k == 0 || offDiag.length != k - 1) {
            throw new ShapeMismatchException("SymmetricEigen.ofTridiagonal: a diagonal of " + k + " values needs "
                    + Math.max(0, k - 1) + " off-diagonal values, got " + offDiag.length);
        }
        double[] d = diag.clone();
        double[] e = new double[k];
        System.arraycopy(offDiag, 0, e, 1, k - 1); // tql2 expects e[i] = T[i-1][i]
        double[][] w = new double[k][k];
        for (int i = 0; i < k; i++) w[i][i] = 1;
        tql2(w, d, e);
        return sorted(d, w);
    }

    public int dimension() { return values.length; }

    /** The eigenvalues in ascending order (a copy). */
    public double[] values() { return values.clone(); }

    public double value(int j) { return values[j]; }

    /** The unit eigenvector of {@code values()[j]} (a copy). */
    public double[] vector(int j) {
        if (j < 0 || j >= values.length) {
            throw new InvalidArgumentException("SymmetricEigen.vector: index " + j + " outside [0, " + values.length + ")");
        }
        return vectors[j].clone();
    }

    public double smallest() { return values[0]; }

    public double largest() { return values[values.length - 1]; }

    static int checkSquare(String op, double[][] a) {
        if (a == null) throw new InvalidArgumentException(op + ": the matrix is null");
        int n = a.length;
        for (int i = 0; i < n; i++) {
            if (a[i] == null || a[i].length != n) {
                throw new ShapeMismatchException(op + ": expected a square matrix, row " + i + " of " + n + " has "
                        + (a[i] == null ? "no" : String.valueOf(a[i].length)) + " values");
            }
        }
        return n;
    }

    /** Householder tridiagonalisation: on return d is the diagonal, e[1..] the sub-diagonal, v the accumulated transform. */
    private static void tred2(double[][] v, double[] d, double[] e) {
        int n = d.length;
        for (int j = 0; j < n; j++) d[j] = v[n - 1][j];
        for (int i = n - 1; i > 0; i--) {
            double scale = 0, h = 0;
            for (int k = 0; k < i; k++) scale += Math.abs(d[k]);
            if (scale == 0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                    v[j][i] = 0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0;
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + v[j][j] * f;
                    for (int k = j + 1; k <= i - 1; k++) {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }
                    e[j] = g;
                }
                f = 0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++) v[k][j] -= f * e[k] + g * d[k];
                    d[j] = v[i - 1][j];
                    v[i][j] = 0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++) {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1;
            double h = d[i + 1];
            if (h != 0) {
                for (int k = 0; k <= i; k++) d[k] = v[k][i + 1] / h;
                for (int j = 0; j <= i; j++) {
                    double g = 0;
                    for (int k = 0; k <= i; k++) g += v[k][i + 1] * v[k][j];
                    for (int k = 0; k <= i; k++) v[k][j] -= g * d[k];
                }
            }
            for (int k = 0; k <= i; k++) v[k][i + 1] = 0;
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0;
        }
        v[n - 1][n - 1] = 1;
        e[0] = 0;
    }

    /**
     * Implicit QL on the tridiagonal (d, e with e[i] = T[i-1][i]); the rotations are applied to the rows of w,
     * which hold the transposed accumulated transform, so on return w[j] is the eigenvector of d[j].
     */
    private static void tql2(double[][] w, double[] d, double[] e) {
        int n = d.length;
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0;
        double f = 0, tst1 = 0;
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > MAX_SHIFTS_PER_VALUE) {
                        throw new ArithmeticException("SymmetricEigen: QL did not converge for eigenvalue " + l + " of " + n);
                    }
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2 * e[l]);
                    double r = Math.hypot(p, 1);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1, c2 = 1, c3 = 1;
                    double el1 = e[l + 1];
                    double s = 0, s2 = 0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Math.hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        double[] wi = w[i], wi1 = w[i + 1];
                        for (int k = 0; k < wi.length; k++) {
                            double t = wi1[k];
                            wi1[k] = s * wi[k] + c * t;
                            wi[k] = c * wi[k] - s * t;
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > EPS * tst1);
            }
            d[l] += f;
            e[l] = 0;
        }
    }

    private static double[][] transpose(double[][] v) {
        int n = v.length;
        double[][] t = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) t[j][i] = v[i][j];
        return t;
    }

    private static SymmetricEigen sorted(double[] d, double[][] w) {
        int n = d.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(d[x], d[y]));
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int i = 0; i < n; i++) {
            values[i] = d[order[i]];
            vectors[i] = w[order[i]];
        }
        return new SymmetricEigen(values, vectors);
    }
}

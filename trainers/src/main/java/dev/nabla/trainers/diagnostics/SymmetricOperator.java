package dev.nabla.trainers.diagnostics;

/**
 * A symmetric linear map on R^n given only by its action on vectors, such as a Hessian through
 * {@link HessianVectorProduct}: what {@link Lanczos} needs.
 */
public interface SymmetricOperator {
    /** n, the length of the vectors this operator maps. */
    int dimension();

    /** The product of the operator with {@code v} (length {@link #dimension()}), as a new array. */
    double[] apply(double[] v);

    /** An operator for an explicit symmetric matrix (rows of equal length n). */
    static SymmetricOperator ofMatrix(double[][] a) {
        int n = SymmetricEigen.checkSquare("SymmetricOperator.ofMatrix", a);
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) m[i] = a[i].clone();
        return new SymmetricOperator() {
            @Override public int dimension() { return n; }

            @Override public double[] apply(double[] v) {
                if (v.length != n) {
                    throw new dev.nabla.runtime.ShapeMismatchException("SymmetricOperator.apply: a vector of "
                            + v.length + " values for a " + n + "x" + n + " matrix");
                }
                double[] out = new double[n];
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    double[] row = m[i];
                    for (int j = 0; j < n; j++) s += row[j] * v[j];
                    out[i] = s;
                }
                return out;
            }
        };
    }
}

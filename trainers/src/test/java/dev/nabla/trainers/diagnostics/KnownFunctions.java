package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestTensors;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/** Test functions whose gradient and Hessian are known in closed form. */
final class KnownFunctions {
    private KnownFunctions() {}

    static Tensor param(double... values) {
        return Tensor.of(values.clone(), Shape.of(values.length), DType.FLOAT64, Device.CPU).requiresGrad(true);
    }

    /** A random symmetric positive definite n x n matrix Q diag(eig) Qᵀ with the given eigenvalues. */
    static double[][] spd(long seed, double... eig) {
        int n = eig.length;
        Random rnd = new Random(seed);
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) q[i][j] = rnd.nextGaussian();
        // Gram-Schmidt on the columns gives a random orthogonal Q.
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < j; k++) {
                double d = 0;
                for (int i = 0; i < n; i++) d += q[i][j] * q[i][k];
                for (int i = 0; i < n; i++) q[i][j] -= d * q[i][k];
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += q[i][j] * q[i][j];
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) q[i][j] /= norm;
        }
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[i][k] * eig[k] * q[j][k];
                a[i][j] = s;
            }
        }
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) a[i][j] = a[j][i] = 0.5 * (a[i][j] + a[j][i]);
        return a;
    }

    /** f(x) = 0.5 xᵀ A x over the parameter x of shape [n], written with broadcasting and reductions only. */
    static Supplier<Tensor> quadratic(double[][] a, Tensor x) {
        int n = a.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) System.arraycopy(a[i], 0, flat, i * n, n);
        Tensor am = Tensor.of(flat, Shape.of(n, n), DType.FLOAT64, Device.CPU);
        return () -> x.mul(am.mul(x).sum(1)).sum().mul(0.5);
    }

    static double quadraticValue(double[][] a, double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) for (int j = 0; j < x.length; j++) s += x[i] * a[i][j] * x[j];
        return 0.5 * s;
    }

    static double[] times(double[][] a, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) for (int j = 0; j < v.length; j++) out[i] += a[i][j] * v[j];
        return out;
    }

    /** f(x, y) = x² − y²: a saddle at the origin with Hessian diag(2, −2). */
    static Supplier<Tensor> saddle(Tensor x, Tensor y) { return () -> x.square().sub(y.square()).sum(); }

    /** f(x, y) = −(x² + y²): a maximum at the origin with Hessian −2 I. */
    static Supplier<Tensor> maximum(Tensor x, Tensor y) { return () -> x.square().add(y.square()).sum().neg(); }

    /** f(x) = Σ d_i x_i²: Hessian diag(2 d). */
    static Supplier<Tensor> diagonal(double[] d, Tensor x) {
        Tensor dt = Tensor.of(d.clone(), Shape.of(d.length), DType.FLOAT64, Device.CPU);
        return () -> dt.mul(x.square()).sum();
    }

    record Model(List<Tensor> params, Supplier<Tensor> loss) {}

    /**
     * A 3 -> 4 (tanh) -> 1 MLP with mean squared error on 8 fixed samples, 21 FLOAT64 parameters; written with
     * broadcasting and sums (x[b, i, 1] * w1[i, j] summed over i) so that it needs no matmul.
     */
    static Model tinyMlp() {
        Tensor w1 = TestTensors.randomDouble(1, 3, 4).requiresGrad(true);
        Tensor b1 = TestTensors.randomDouble(2, 4).requiresGrad(true);
        Tensor w2 = TestTensors.randomDouble(3, 4).requiresGrad(true);
        Tensor b2 = TestTensors.randomDouble(4, 1).requiresGrad(true);
        Tensor xs = TestTensors.randomDouble(5, 8, 3, 1);
        Tensor ys = TestTensors.randomDouble(6, 8);
        return new Model(List.of(w1, b1, w2, b2),
                () -> xs.mul(w1).sum(1).add(b1).tanh().mul(w2).sum(1).add(b2).sub(ys).square().mean());
    }
}

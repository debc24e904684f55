package dev.nabla.runtime.cpu;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CpuLayerNormVector} and its plain-loop twin ({@link CpuLayerNormF#forwardScalar},
 * {@link CpuLayerNormF#backwardScalar}) against layer norm computed in double from the same float inputs: widths
 * around the vector length (the scalar column tail), row counts around the gradient-sum block, every
 * combination of weight and bias, rows with a large mean, and non-finite inputs.
 */
class CpuLayerNormVectorTest {
    private static final double EPS = 1e-5;

    @BeforeAll static void vectorPathInUse() {
        Assumptions.assumeTrue(CpuGemm.VECTOR, "the Vector API path is off in this JVM");
    }

    /** One float32 implementation. */
    private interface Impl {
        void forward(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd, int rows, int cols);

        void backward(float[] g, float[] x, float[] mean, float[] rstd, float[] w, float[] dx, float[] dw, float[] db, int rows, int cols);
    }

    private static final Impl VECTOR = new Impl() {
        @Override public void forward(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd, int rows, int cols) {
            CpuLayerNormVector.forward(x, w, b, out, mean, rstd, rows, cols, EPS, 1);
        }

        @Override public void backward(float[] g, float[] x, float[] mean, float[] rstd, float[] w, float[] dx, float[] dw, float[] db,
                                       int rows, int cols) {
            CpuLayerNormVector.backward(g, x, mean, rstd, w, dx, dw, db, rows, cols, 1);
        }
    };

    private static final Impl SCALAR = new Impl() {
        @Override public void forward(float[] x, float[] w, float[] b, float[] out, float[] mean, float[] rstd, int rows, int cols) {
            CpuLayerNormF.forwardScalar(x, w, b, out, mean, rstd, rows, cols, EPS, 1);
        }

        @Override public void backward(float[] g, float[] x, float[] mean, float[] rstd, float[] w, float[] dx, float[] dw, float[] db,
                                       int rows, int cols) {
            CpuLayerNormF.backwardScalar(g, x, mean, rstd, w, dx, dw, db, rows, cols, 1);
        }
    };

    @ParameterizedTest @ValueSource(ints = {16, 17, 31, 32, 33, 48, 100, 128, 130, 257})
    void bothPathsMatchDoubleLayerNormForEveryAffineCombination(int cols) {
        for (int rows : new int[]{1, 5, 31, 32, 33, 70}) {
            for (int affine = 0; affine < 4; affine++) {
                boolean hasW = (affine & 1) != 0, hasB = (affine & 2) != 0;
                Random r = new Random(cols * 1000L + rows * 10L + affine);
                float[] x = new float[rows * cols], g = new float[rows * cols];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (r.nextGaussian() * 2 + (i / cols % 3 - 1) * 3);
                    g[i] = (float) r.nextGaussian();
                }
                float[] w = hasW ? randoms(r, cols, 1, 0.3) : null, b = hasB ? randoms(r, cols, 0, 0.5) : null;
                String what = rows + "x" + cols + (hasW ? " weight" : "") + (hasB ? " bias" : "");
                for (Impl impl : new Impl[]{VECTOR, SCALAR}) {
                    check(impl, (impl == VECTOR ? "vector " : "scalar ") + what, x, g, w, b, rows, cols);
                }
            }
        }
    }

    @Test void rowsWithALargeMeanKeepTheirVariance() {
        int rows = 4, cols = 128;
        float[] x = new float[rows * cols], g = new float[rows * cols];
        Random r = new Random(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (10_000 * (i / cols + 1) + 0.01 * r.nextGaussian());
            g[i] = (float) r.nextGaussian();
        }
        check(VECTOR, "large mean", x, g, null, null, rows, cols);
    }

    @Test void nonFiniteInputsGiveNaNRowsAndLeaveOtherRowsAlone() {
        int rows = 3, cols = 40;
        float[] x = new float[rows * cols], g = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) * 0.5f;
            g[i] = 1f;
        }
        x[3] = Float.NaN;
        x[cols + 20] = Float.POSITIVE_INFINITY;
        float[] out = new float[x.length], mean = new float[rows], rstd = new float[rows];
        CpuLayerNormVector.forward(x, null, null, out, mean, rstd, rows, cols, EPS, 1);
        float[] dx = new float[x.length];
        CpuLayerNormVector.backward(g, x, mean, rstd, null, dx, null, null, rows, cols, 1);
        for (int k = 0; k < cols; k++) {
            assertTrue(Float.isNaN(out[k]) && Float.isNaN(out[cols + k]), "rows with NaN / inf give NaN");
            assertTrue(Float.isFinite(out[2 * cols + k]) && Float.isFinite(dx[2 * cols + k]), "the finite row stays finite");
        }
    }

    /** Forward and backward of impl against double layer norm of the same floats (mean and rstd as it saved them for dx). */
    private static void check(Impl impl, String what, float[] x, float[] g, float[] w, float[] b, int rows, int cols) {
        float[] out = new float[x.length], mean = new float[rows], rstd = new float[rows];
        impl.forward(x, w, b, out, mean, rstd, rows, cols);
        float[] dx = new float[x.length], dw = w == null ? null : new float[cols], db = b == null ? null : new float[cols];
        impl.backward(g, x, mean, rstd, w, dx, dw, db, rows, cols);
        double[] sw = new double[cols], sb = new double[cols];
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double mu = 0, var = 0;
            for (int k = 0; k < cols; k++) mu += x[off + k];
            mu /= cols;
            for (int k = 0; k < cols; k++) var += (x[off + k] - mu) * (x[off + k] - mu);
            double rs = 1 / Math.sqrt(var / cols + EPS);
            // the float sums cost the mean ~1e-7 of the spread, not of the mean
            assertEquals(mu, mean[r], Math.ulp((float) mu) + 2e-7 * Math.sqrt(var / cols), what + " mean of row " + r);
            assertEquals(rs, rstd[r], 3e-7 * rs, what + " rstd of row " + r);
            double sumG = 0, sumGX = 0;
            for (int k = 0; k < cols; k++) {
                double xh = (x[off + k] - mu) * rs, y = xh * (w == null ? 1 : w[k]) + (b == null ? 0 : b[k]);
                assertEquals(y, out[off + k], 1e-6 * (1 + Math.abs(y)), what + " y[" + r + ", " + k + "]");
                double gw = g[off + k] * (w == null ? 1 : w[k]);
                sumG += gw;
                sumGX += gw * xh;
                sw[k] += g[off + k] * xh;
                sb[k] += g[off + k];
            }
            // dx from the saved float mean and rstd, as both paths compute it (xhat and its sums again)
            double m = mean[r], s = rstd[r];
            sumG = 0;
            sumGX = 0;
            for (int k = 0; k < cols; k++) {
                double gw = g[off + k] * (w == null ? 1 : w[k]);
                sumG += gw;
                sumGX += gw * (x[off + k] - m) * s;
            }
            for (int k = 0; k < cols; k++) {
                double xh = (x[off + k] - m) * s, gw = g[off + k] * (w == null ? 1 : w[k]);
                double d = s * (gw - sumG / cols - xh * sumGX / cols);
                assertEquals(d, dx[off + k], 2e-6 * s * (1 + Math.abs(gw) + Math.abs(xh * sumGX / cols)), what + " dx[" + r + ", " + k + "]");
            }
        }
        for (int k = 0; k < cols; k++) {
            if (dw != null) assertEquals(sw[k], dw[k], 2e-6 * (1 + Math.abs(sw[k])) * Math.sqrt(rows), what + " dweight[" + k + "]");
            if (db != null) assertEquals(sb[k], db[k], 1e-6 * (1 + Math.abs(sb[k])) * Math.sqrt(rows), what + " dbias[" + k + "]");
        }
    }

    private static float[] randoms(Random r, int n, double mean, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (mean + sd * r.nextGaussian());
        return a;
    }
}

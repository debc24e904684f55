package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.backend.UnaryOp;

/**
 * The math of every {@link UnaryOp}, forward and fused backward, as loops over double arrays: float64
 * buffers are processed in place, float32 ones in blocks widened to double (so both dtypes share one
 * definition and float32 results are correctly rounded from a double computation). Integer tensors
 * support the ops that stay in the integers.
 */
final class CpuUnary {
    static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    static final double GELU_C = 0.044715;
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private CpuUnary() {}

    /** y[i] = op(x[i]) for i in [from, to). */
    static void forward(UnaryOp op, double[] x, double[] y, int from, int to, double a, double b) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) y[i] = -x[i]; }
            case ABS -> { for (int i = from; i < to; i++) y[i] = Math.abs(x[i]); }
            case EXP -> { for (int i = from; i < to; i++) y[i] = Math.exp(x[i]); }
            case LOG -> { for (int i = from; i < to; i++) y[i] = Math.log(x[i]); }
            case SQRT -> { for (int i = from; i < to; i++) y[i] = Math.sqrt(x[i]); }
            case RSQRT -> { for (int i = from; i < to; i++) y[i] = 1.0 / Math.sqrt(x[i]); }
            case SQUARE -> { for (int i = from; i < to; i++) y[i] = x[i] * x[i]; }
            case POW_SCALAR -> {
                if (a == 2.0) { for (int i = from; i < to; i++) y[i] = x[i] * x[i]; }
                else { for (int i = from; i < to; i++) y[i] = Math.pow(x[i], a); }
            }
            case SIN -> { for (int i = from; i < to; i++) y[i] = Math.sin(x[i]); }
            case COS -> { for (int i = from; i < to; i++) y[i] = Math.cos(x[i]); }
            case TANH -> { for (int i = from; i < to; i++) y[i] = Math.tanh(x[i]); }
            case SIGMOID -> { for (int i = from; i < to; i++) y[i] = sigmoid(x[i]); }
            case RELU -> { for (int i = from; i < to; i++) y[i] = x[i] <= 0 ? 0.0 : x[i]; }
            case LEAKY_RELU -> { for (int i = from; i < to; i++) y[i] = x[i] > 0 ? x[i] : a * x[i]; }
            case GELU_TANH -> {
                for (int i = from; i < to; i++) {
                    double v = x[i];
                    y[i] = 0.5 * v * (1.0 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_C * v * v * v)));
                }
            }
            // x * Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2, accurate in the left tail too.
            case GELU_ERF -> { for (int i = from; i < to; i++) y[i] = 0.5 * x[i] * CpuErf.erfc(-x[i] * INV_SQRT2); }
            case HARD_SIGMOID -> { for (int i = from; i < to; i++) y[i] = Math.min(Math.max(x[i] + 3.0, 0.0), 6.0) / 6.0; }
            case CLAMP -> {
                boolean lo = !Double.isNaN(a), hi = !Double.isNaN(b);
                for (int i = from; i < to; i++) {
                    double v = x[i];
                    if (lo && v < a) v = a;
                    if (hi && v > b) v = b;
                    y[i] = v;
                }
            }
            case SIGN -> { for (int i = from; i < to; i++) y[i] = Math.signum(x[i]); }
            case RECIPROCAL -> { for (int i = from; i < to; i++) y[i] = 1.0 / x[i]; }
        }
    }

    /** dx[i] = dy[i] * op'(x[i]) for i in [from, to). */
    static void backward(UnaryOp op, double[] x, double[] dy, double[] dx, int from, int to, double a, double b) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) dx[i] = -dy[i]; }
            case ABS -> { for (int i = from; i < to; i++) dx[i] = dy[i] * Math.signum(x[i]); }
            case EXP -> { for (int i = from; i < to; i++) dx[i] = dy[i] * Math.exp(x[i]); }
            case LOG -> { for (int i = from; i < to; i++) dx[i] = dy[i] / x[i]; }
            case SQRT -> { for (int i = from; i < to; i++) dx[i] = dy[i] / (2.0 * Math.sqrt(x[i])); }
            case RSQRT -> {
                for (int i = from; i < to; i++) {
                    double r = 1.0 / Math.sqrt(x[i]);
                    dx[i] = -0.5 * dy[i] * r * r * r;
                }
            }
            case SQUARE -> { for (int i = from; i < to; i++) dx[i] = 2.0 * x[i] * dy[i]; }
            case POW_SCALAR -> {
                // d/dx x^0 = 0 everywhere (PyTorch), not 0 * x^-1 (NaN at 0).
                if (a == 0.0) { for (int i = from; i < to; i++) dx[i] = 0.0; }
                else { for (int i = from; i < to; i++) dx[i] = dy[i] * a * Math.pow(x[i], a - 1.0); }
            }
            case SIN -> { for (int i = from; i < to; i++) dx[i] = dy[i] * Math.cos(x[i]); }
            case COS -> { for (int i = from; i < to; i++) dx[i] = -dy[i] * Math.sin(x[i]); }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    double t = Math.tanh(x[i]);
                    dx[i] = dy[i] * (1.0 - t * t);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    double s = sigmoid(x[i]);
                    dx[i] = dy[i] * s * (1.0 - s);
                }
            }
            case RELU -> { for (int i = from; i < to; i++) dx[i] = x[i] > 0 ? dy[i] : 0.0; }
            case LEAKY_RELU -> { for (int i = from; i < to; i++) dx[i] = x[i] > 0 ? dy[i] : a * dy[i]; }
            case GELU_TANH -> {
                for (int i = from; i < to; i++) {
                    double v = x[i];
                    double t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_C * v * v * v));
                    double du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_C * v * v);
                    dx[i] = dy[i] * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * du);
                }
            }
            case GELU_ERF -> {
                for (int i = from; i < to; i++) {
                    double v = x[i];
                    double cdf = 0.5 * CpuErf.erfc(-v * INV_SQRT2);
                    double pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
                    dx[i] = dy[i] * (cdf + v * pdf);
                }
            }
            case HARD_SIGMOID -> { for (int i = from; i < to; i++) dx[i] = x[i] > -3.0 && x[i] < 3.0 ? dy[i] / 6.0 : 0.0; }
            case CLAMP -> {
                boolean lo = !Double.isNaN(a), hi = !Double.isNaN(b);
                for (int i = from; i < to; i++) {
                    double v = x[i];
                    dx[i] = (lo && v < a) || (hi && v > b) ? 0.0 : dy[i];
                }
            }
            case SIGN -> { for (int i = from; i < to; i++) dx[i] = 0.0; }
            case RECIPROCAL -> { for (int i = from; i < to; i++) dx[i] = -dy[i] / (x[i] * x[i]); }
        }
    }

    static double sigmoid(double v) {
        if (v >= 0) return 1.0 / (1.0 + Math.exp(-v));
        double e = Math.exp(v);
        return e / (1.0 + e);
    }

    /** The integer ops (NEG, ABS, SIGN, CLAMP, RELU, SQUARE) on long values; the caller narrows to int. */
    static void forwardLong(UnaryOp op, long[] x, long[] y, int from, int to, double a, double b) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) y[i] = -x[i]; }
            case ABS -> { for (int i = from; i < to; i++) y[i] = Math.abs(x[i]); }
            case SIGN -> { for (int i = from; i < to; i++) y[i] = Long.signum(x[i]); }
            case RELU -> { for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0L); }
            case SQUARE -> { for (int i = from; i < to; i++) y[i] = x[i] * x[i]; }
            case CLAMP -> {
                // A fractional bound clamps to the nearest integer inside [min, max].
                boolean lo = !Double.isNaN(a), hi = !Double.isNaN(b);
                long min = lo ? (long) Math.ceil(a) : Long.MIN_VALUE, max = hi ? (long) Math.floor(b) : Long.MAX_VALUE;
                for (int i = from; i < to; i++) y[i] = Math.min(Math.max(x[i], min), max);
            }
            default -> throw new DTypeMismatchException(op.name().toLowerCase()
                    + ": expected FLOAT32 or FLOAT64, this op is not defined for integer tensors");
        }
    }

    static boolean integerOp(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SIGN, CLAMP, RELU, SQUARE -> true;
            default -> false;
        };
    }
}

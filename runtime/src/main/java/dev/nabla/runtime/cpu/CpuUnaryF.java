package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.UnaryOp;

/**
 * The float32 unary ops that training runs hot (activations, exp/log/sqrt, clamp), forward and fused
 * backward, read and written on float[] directly instead of through {@link CpuUnary}'s double staging.
 * The others stay on the staging path ({@link #handles}). One small method per loop, so that each is
 * compiled on its own profile.
 *
 * <p>Exact ops (neg, abs, square, relu, clamp, leaky relu, sqrt, rsqrt, exp, log, the plain backward rules)
 * give the same bits as the staging path: each is written either in float where float arithmetic rounds the
 * same way, or as the same double expression rounded once. The transcendental activations are rewritten
 * for speed and stay within about half an ulp of the staging path (tests pin 2 ulp or 1e-7 absolute):
 * tanh and sigmoid through one {@code Math.exp} of a non-positive argument (no overflow, no cancellation),
 * and the exact GELU through the Mills ratio, {@code Phi(-|x|) = pdf(x) M(|x|)}, so that one exp gives
 * both the cdf (accurate in the left tail, where {@code 1 + erf} would cancel) and the pdf the backward needs.
 * All of it in double, rounded once; {@link CpuUnaryVector} is the float Vector API twin of the activations.
 * Selections by the sign of x use the sign bit, not a branch: the signs of activations are random.
 */
final class CpuUnaryF {
    static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    /** Elements per block of the exp-based ops' double scratch. */
    private static final int BLOCK = 512;
    /** Below this |x|, tanh(x) rounds to x in float (the cubic term is under half an ulp). */
    static final float TANH_TINY = 0x1p-12f;

    /**
     * M(t) = (1 - Phi(t)) / pdf(t) ~ P(t) / Q(t) on [0, 10], relative error 2.8e-11 there (1.2e-6 at t = 64
     * where pdf(t) < 1e-22 already). Fitted for this class against mpmath's erfc at 40 digits: a
     * Sanathanan-Koerner linearised least-squares fit on 3000 Chebyshev points of [0, 10], then Lawson
     * reweighting toward minimax; Q has no real roots. Degree 5/6 so that M(t) ~ 1/t as t grows.
     */
    static final double M_P0 = 1.253314137281056, M_P1 = 1.2375603976485565, M_P2 = 0.5976884324295131,
            M_P3 = 0.16600136612557848, M_P4 = 0.026347738097020228, M_P5 = 0.0019392477208809943;
    static final double M_Q1 = 1.7853148923208657, M_Q2 = 1.401361607990295, M_Q3 = 0.6238784888449843,
            M_Q4 = 0.1679507703437097, M_Q5 = 0.026347339133442355, M_Q6 = 0.0019392548812885073;

    private CpuUnaryF() {}

    /** Whether {@link #forward} / {@link #backward} implement {@code op}. */
    static boolean handles(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, EXP, LOG, SQRT, RSQRT, SQUARE, TANH, SIGMOID, RELU, LEAKY_RELU, GELU_TANH, GELU_ERF,
                    CLAMP -> true;
            default -> false;
        };
    }

    /** y[i] = op(x[i]) for i in [from, to); {@code op} must be one that {@link #handles}. */
    static void forward(UnaryOp op, float[] x, float[] y, int from, int to, double a, double b) {
        switch (op) {
            case NEG -> neg(x, y, from, to);
            case ABS -> abs(x, y, from, to);
            case SQUARE -> square(x, y, from, to);
            case SQRT -> sqrt(x, y, from, to);
            case RSQRT -> rsqrt(x, y, from, to);
            case EXP, LOG, TANH, SIGMOID, GELU_TANH, GELU_ERF -> staged(op, x, null, y, from, to);
            case RELU -> relu(x, y, from, to);
            case LEAKY_RELU -> leakyRelu(x, y, from, to, a);
            case CLAMP -> clamp(x, y, from, to, a, b);
            default -> throw new IllegalArgumentException("CpuUnaryF does not implement " + op);
        }
    }

    /** dx[i] = dy[i] * op'(x[i]) for i in [from, to); {@code op} must be one that {@link #handles}. */
    static void backward(UnaryOp op, float[] x, float[] dy, float[] dx, int from, int to, double a, double b) {
        switch (op) {
            case NEG -> neg(dy, dx, from, to);
            case ABS -> absBackward(x, dy, dx, from, to);
            case SQUARE -> squareBackward(x, dy, dx, from, to);
            case SQRT -> sqrtBackward(x, dy, dx, from, to);
            case RSQRT -> rsqrtBackward(x, dy, dx, from, to);
            case EXP, TANH, SIGMOID, GELU_TANH, GELU_ERF -> staged(op, x, dy, dx, from, to);
            case LOG -> logBackward(x, dy, dx, from, to);
            case RELU -> reluBackward(x, dy, dx, from, to);
            case LEAKY_RELU -> leakyReluBackward(x, dy, dx, from, to, a);
            case CLAMP -> clampBackward(x, dy, dx, from, to, a, b);
            default -> throw new IllegalArgumentException("CpuUnaryF does not implement " + op);
        }
    }

    // ---------------------------------------------------------------- exact ops

    private static void neg(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = -x[i];
    }

    private static void abs(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = Math.abs(x[i]);
    }

    /** The product of two floats is exact in double, so its float rounding is the staging path's. */
    private static void square(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = x[i] * x[i];
    }

    /** Rounding sqrt twice, through double, is innocuous (53 >= 2 * 24 + 2). */
    private static void sqrt(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = (float) Math.sqrt(x[i]);
    }

    private static void rsqrt(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = (float) (1.0 / Math.sqrt(x[i]));
    }

    /** max keeps NaN and maps -0 to +0, as x <= 0 ? 0 : x does. */
    private static void relu(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0f);
    }

    private static void leakyRelu(float[] x, float[] y, int from, int to, double a) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = select(positive(v), v, (float) (a * v));
        }
    }

    /**
     * For a float v and a double bound c, v < c exactly when v < (float) c, and where the clamp replaces v
     * the staging path stores (float) c: so float bounds give the same bits.
     */
    private static void clamp(float[] x, float[] y, int from, int to, double a, double b) {
        boolean lo = !Double.isNaN(a), hi = !Double.isNaN(b);
        float fa = lo ? (float) a : Float.NEGATIVE_INFINITY, fb = hi ? (float) b : Float.POSITIVE_INFINITY;
        for (int i = from; i < to; i++) {
            float v = x[i] < fa ? fa : x[i];
            y[i] = v > fb ? fb : v;
        }
    }

    private static void absBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = dy[i] * Math.signum(x[i]);
    }

    private static void squareBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = (float) (2.0 * x[i] * dy[i]);
    }

    private static void sqrtBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = (float) (dy[i] / (2.0 * Math.sqrt(x[i])));
    }

    private static void rsqrtBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            double r = 1.0 / Math.sqrt(x[i]);
            dx[i] = (float) (-0.5 * dy[i] * r * r * r);
        }
    }

    /** A float quotient is the correctly rounded double one. */
    private static void logBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = dy[i] / x[i];
    }

    private static void reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = select(positive(x[i]), dy[i], 0f);
    }

    private static void leakyReluBackward(float[] x, float[] dy, float[] dx, int from, int to, double a) {
        for (int i = from; i < to; i++) dx[i] = select(positive(x[i]), dy[i], (float) (a * dy[i]));
    }

    private static void clampBackward(float[] x, float[] dy, float[] dx, int from, int to, double a, double b) {
        boolean lo = !Double.isNaN(a), hi = !Double.isNaN(b);
        float fa = lo ? (float) a : Float.NEGATIVE_INFINITY, fb = hi ? (float) b : Float.POSITIVE_INFINITY;
        for (int i = from; i < to; i++) dx[i] = x[i] < fa || x[i] > fb ? 0f : dy[i];
    }

    /** All ones when v > 0 (so not for NaN or -0), else 0: a branch-free x > 0. */
    static int positive(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (-bits & (bits - 0x7F800001)) >> 31;
    }

    /** mask ? p : q for a mask from {@link #positive}, bit for bit. */
    static float select(int mask, float p, float q) {
        return Float.intBitsToFloat((Float.floatToRawIntBits(p) & mask) | (Float.floatToRawIntBits(q) & ~mask));
    }

    // ---------------------------------------------------------------- ops that call Math.exp or Math.log

    /**
     * Runs op over [from, to) in blocks through a double scratch: the argument of exp (or log), the calls in
     * place, then the result (dy times the derivative when dy is not null). A loop that widens a float right
     * into {@code Math.exp} runs at half the speed: C2's float-to-double conversion merges into its target
     * register, which chains each call to the previous one.
     */
    private static void staged(UnaryOp op, float[] x, float[] dy, float[] out, int from, int to) {
        boolean grad = dy != null;
        double[] e = new double[Math.min(BLOCK, to - from)];
        for (int s = from; s < to; s += BLOCK) {
            int n = Math.min(BLOCK, to - s);
            switch (op) {
                case EXP -> {
                    scaled(x, s, e, n, 1.0);
                    exp(e, n);
                    if (grad) times(e, dy, out, s, n);
                    else narrow(e, out, s, n);
                }
                case LOG -> {
                    scaled(x, s, e, n, 1.0);
                    for (int k = 0; k < n; k++) e[k] = Math.log(e[k]);
                    narrow(e, out, s, n);
                }
                case TANH -> {
                    scaledAbs(x, s, e, n, -2.0);
                    exp(e, n);
                    if (grad) tanhGrad(e, dy, out, s, n);
                    else tanh(x, e, out, s, n);
                }
                case SIGMOID -> {
                    if (grad) scaledAbs(x, s, e, n, -1.0);
                    else scaled(x, s, e, n, -1.0);
                    exp(e, n);
                    if (grad) sigmoidGrad(e, dy, out, s, n);
                    else sigmoid(e, out, s, n);
                }
                case GELU_TANH -> {
                    geluTanhArg(x, s, e, n, grad ? -300.0 : Double.NEGATIVE_INFINITY);
                    exp(e, n);
                    if (grad) geluTanhGrad(x, e, dy, out, s, n);
                    else geluTanh(x, e, out, s, n);
                }
                case GELU_ERF -> {
                    halfSquare(x, s, e, n);
                    exp(e, n);
                    if (grad) geluErfGrad(x, e, dy, out, s, n);
                    else geluErf(x, e, out, s, n);
                }
                default -> throw new AssertionError(op);
            }
        }
    }

    private static void exp(double[] e, int n) {
        for (int k = 0; k < n; k++) e[k] = Math.exp(e[k]);
    }

    /** e[k] = c x[s + k]. */
    private static void scaled(float[] x, int s, double[] e, int n, double c) {
        for (int k = 0; k < n; k++) e[k] = c * x[s + k];
    }

    /** e[k] = c |x[s + k]|. */
    private static void scaledAbs(float[] x, int s, double[] e, int n, double c) {
        for (int k = 0; k < n; k++) e[k] = c * Math.abs((double) x[s + k]);
    }

    /** e[k] = -x^2 / 2. */
    private static void halfSquare(float[] x, int s, double[] e, int n) {
        for (int k = 0; k < n; k++) {
            double v = x[s + k];
            e[k] = -0.5 * v * v;
        }
    }

    /** e[k] = -2 max(u, lo), u = c (v + 0.044715 v^3): lo keeps exp finite where the backward needs it. */
    private static void geluTanhArg(float[] x, int s, double[] e, int n, double lo) {
        for (int k = 0; k < n; k++) {
            double v = x[s + k];
            e[k] = -2.0 * Math.max(CpuUnary.SQRT_2_OVER_PI * (v + CpuUnary.GELU_C * v * v * v), lo);
        }
    }

    private static void narrow(double[] e, float[] y, int s, int n) {
        for (int k = 0; k < n; k++) y[s + k] = (float) e[k];
    }

    private static void times(double[] e, float[] dy, float[] dx, int s, int n) {
        for (int k = 0; k < n; k++) dx[s + k] = (float) (dy[s + k] * e[k]);
    }

    /** (1 - e) / (1 + e) with e = exp(-2|v|) (1 - e is accurate to 1e-13 above TANH_TINY), v's sign; v itself below. */
    private static void tanh(float[] x, double[] e, float[] y, int s, int n) {
        for (int k = 0; k < n; k++) {
            float v = x[s + k];
            float t = Math.copySign((float) ((1.0 - e[k]) / (1.0 + e[k])), v);
            y[s + k] = Math.abs(v) < TANH_TINY ? v : t;
        }
    }

    /** 1 - tanh^2 = 4e / (1 + e)^2 with e = exp(-2|x|): no cancellation for large |x|. */
    private static void tanhGrad(double[] e, float[] dy, float[] dx, int s, int n) {
        for (int k = 0; k < n; k++) {
            double d = 1.0 + e[k];
            dx[s + k] = (float) (dy[s + k] * (4.0 * e[k] / (d * d)));
        }
    }

    /** 1 / (1 + e) with e = exp(-x). */
    private static void sigmoid(double[] e, float[] y, int s, int n) {
        for (int k = 0; k < n; k++) y[s + k] = (float) (1.0 / (1.0 + e[k]));
    }

    /** s (1 - s) = e / (1 + e)^2 with e = exp(-|x|), symmetric in x. */
    private static void sigmoidGrad(double[] e, float[] dy, float[] dx, int s, int n) {
        for (int k = 0; k < n; k++) {
            double d = 1.0 + e[k];
            dx[s + k] = (float) (dy[s + k] * (e[k] / (d * d)));
        }
    }

    /** 0.5 x (1 + tanh u) = x sigmoid(2u) = x / (1 + e) with e = exp(-2u): no cancellation in the left tail. */
    private static void geluTanh(float[] x, double[] e, float[] y, int s, int n) {
        for (int k = 0; k < n; k++) y[s + k] = (float) (x[s + k] / (1.0 + e[k]));
    }

    /**
     * With s = sigmoid(2u), e = exp(-2u): 0.5 (1 + tanh u) = s and 0.5 (1 - tanh^2 u) = 2 s (1 - s) = 2 s^2 e.
     * (v - v) keeps the staging path's NaN for infinite x.
     */
    private static void geluTanhGrad(float[] x, double[] e, float[] dy, float[] dx, int s, int n) {
        for (int k = 0; k < n; k++) {
            double v = x[s + k];
            double du = CpuUnary.SQRT_2_OVER_PI * (1.0 + 3.0 * CpuUnary.GELU_C * v * v);
            double sg = 1.0 / (1.0 + e[k]);
            dx[s + k] = (float) (dy[s + k] * (sg + 2.0 * v * du * sg * sg * e[k] + (v - v)));
        }
    }

    /**
     * x Phi(x) with Phi(x) = 1 - Phi(-|x|) for x >= 0 and Phi(-|x|) = pdf(x) M(|x|) otherwise, e = exp(-x^2 / 2)
     * (selected by the sign bit: -0 takes the tail).
     */
    private static void geluErf(float[] x, double[] e, float[] y, int s, int n) {
        for (int k = 0; k < n; k++) {
            double v = x[s + k];
            double tail = INV_SQRT_2PI * e[k] * mills(Math.abs(v));
            double neg = Float.floatToRawIntBits(x[s + k]) >>> 31;
            y[s + k] = (float) (v * (neg * tail + (1.0 - neg) * (1.0 - tail)));
        }
    }

    /** Phi(x) + x pdf(x), e = exp(-x^2 / 2). */
    private static void geluErfGrad(float[] x, double[] e, float[] dy, float[] dx, int s, int n) {
        for (int k = 0; k < n; k++) {
            double v = x[s + k];
            double pdf = INV_SQRT_2PI * e[k];
            double tail = pdf * mills(Math.abs(v));
            double neg = Float.floatToRawIntBits(x[s + k]) >>> 31;
            dx[s + k] = (float) (dy[s + k] * (neg * tail + (1.0 - neg) * (1.0 - tail) + v * pdf));
        }
    }

    /** The Mills ratio (1 - Phi(t)) / pdf(t) for t >= 0; finite at t = infinity (where pdf is 0), NaN stays NaN. */
    static double mills(double t) {
        t = Math.min(t, 64.0);
        double p = ((((M_P5 * t + M_P4) * t + M_P3) * t + M_P2) * t + M_P1) * t + M_P0;
        double q = (((((M_Q6 * t + M_Q5) * t + M_Q4) * t + M_Q3) * t + M_Q2) * t + M_Q1) * t + 1.0;
        return p / q;
    }
}

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
            case EXP -> exp(x, y, from, to);
            case LOG -> log(x, y, from, to);
            case RELU -> relu(x, y, from, to);
            case LEAKY_RELU -> leakyRelu(x, y, from, to, a);
            case CLAMP -> clamp(x, y, from, to, a, b);
            case TANH -> tanh(x, y, from, to);
            case SIGMOID -> sigmoid(x, y, from, to);
            case GELU_TANH -> geluTanh(x, y, from, to);
            case GELU_ERF -> geluErf(x, y, from, to);
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
            case EXP -> expBackward(x, dy, dx, from, to);
            case LOG -> logBackward(x, dy, dx, from, to);
            case RELU -> reluBackward(x, dy, dx, from, to);
            case LEAKY_RELU -> leakyReluBackward(x, dy, dx, from, to, a);
            case CLAMP -> clampBackward(x, dy, dx, from, to, a, b);
            case TANH -> tanhBackward(x, dy, dx, from, to);
            case SIGMOID -> sigmoidBackward(x, dy, dx, from, to);
            case GELU_TANH -> geluTanhBackward(x, dy, dx, from, to);
            case GELU_ERF -> geluErfBackward(x, dy, dx, from, to);
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

    private static void exp(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = (float) Math.exp(x[i]);
    }

    private static void log(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = (float) Math.log(x[i]);
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

    private static void expBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = (float) (dy[i] * Math.exp(x[i]));
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

    // ---------------------------------------------------------------- activations, rewritten

    private static void tanh(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            double ax = Math.abs((double) v);
            double e = Math.exp(-2.0 * ax); // in [0, 1]: no overflow; 1 - e is accurate to 1e-13 relative above TANH_TINY
            float t = Math.copySign((float) ((1.0 - e) / (1.0 + e)), v);
            y[i] = ax < TANH_TINY ? v : t;
        }
    }

    /** 1 - tanh^2 = 4e / (1 + e)^2 with e = exp(-2|x|): no cancellation for large |x|. */
    private static void tanhBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            double e = Math.exp(-2.0 * Math.abs((double) x[i]));
            double d = 1.0 + e;
            dx[i] = (float) (dy[i] * (4.0 * e / (d * d)));
        }
    }

    private static void sigmoid(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = (float) (1.0 / (1.0 + Math.exp(-(double) x[i])));
    }

    /** s (1 - s) = e / (1 + e)^2 with e = exp(-|x|), symmetric in x. */
    private static void sigmoidBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            double e = Math.exp(-Math.abs((double) x[i]));
            double d = 1.0 + e;
            dx[i] = (float) (dy[i] * (e / (d * d)));
        }
    }

    /** 0.5 x (1 + tanh u) = x sigmoid(2u): no cancellation in the left tail. */
    private static void geluTanh(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            double u2 = 2.0 * CpuUnary.SQRT_2_OVER_PI * (v + CpuUnary.GELU_C * v * v * v);
            y[i] = (float) (v / (1.0 + Math.exp(-u2)));
        }
    }

    /**
     * With s = sigmoid(2u), e = exp(-2u): 0.5 (1 + tanh u) = s and 0.5 (1 - tanh^2 u) = 2 s (1 - s) = 2 s^2 e.
     * u is clamped below so that e stays finite; (v - v) keeps the staging path's NaN for infinite x.
     */
    private static void geluTanhBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            double u = CpuUnary.SQRT_2_OVER_PI * (v + CpuUnary.GELU_C * v * v * v);
            double du = CpuUnary.SQRT_2_OVER_PI * (1.0 + 3.0 * CpuUnary.GELU_C * v * v);
            double e = Math.exp(-2.0 * Math.max(u, -300.0));
            double s = 1.0 / (1.0 + e);
            dx[i] = (float) (dy[i] * (s + 2.0 * v * du * s * s * e + (v - v)));
        }
    }

    /** x Phi(x) with Phi(x) = 1 - Phi(-|x|) for x >= 0 and Phi(-|x|) otherwise (by the sign bit: -0 takes the tail). */
    private static void geluErf(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            double tail = INV_SQRT_2PI * Math.exp(-0.5 * v * v) * mills(Math.abs(v));
            double neg = Float.floatToRawIntBits(x[i]) >>> 31;
            y[i] = (float) (v * (neg * tail + (1.0 - neg) * (1.0 - tail)));
        }
    }

    private static void geluErfBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            double pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
            double tail = pdf * mills(Math.abs(v));
            double neg = Float.floatToRawIntBits(x[i]) >>> 31;
            dx[i] = (float) (dy[i] * (neg * tail + (1.0 - neg) * (1.0 - tail) + v * pdf));
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

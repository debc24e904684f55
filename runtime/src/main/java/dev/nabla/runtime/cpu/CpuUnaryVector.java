package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 activations whose scalar form ({@link CpuUnaryF}) is bound by one {@code Math.exp} per element
 * (exp, sigmoid, tanh and both GELUs, forward and backward), on the {@code jdk.incubator.vector} API with an
 * exp of its own: this JDK's {@code VectorOperators.EXP} / {@code TANH} fall back to scalar calls. Like
 * {@link CpuGemmVectorF}, only loaded when {@link CpuGemm#VECTOR} is set, so only when the module is present.
 *
 * <p>The formulas are {@link CpuUnaryF}'s, evaluated the same way in double (floats widened into a double scratch
 * by {@link #widen}) and rounded once, so results stay within about half an ulp of the staging path as the
 * scalar twin's do; they are not bit-identical to it (this exp differs from {@code Math.exp} by ~1e-10).
 * The tail of each range that does not fill a vector runs through the scalar twin.
 *
 * <p>Each op runs in chunks of {@link #CHUNK} elements as three small loops over a double scratch that stays
 * in L1: the exp argument, {@link #exp} in place, then the result. C2 keeps vectors in registers only within
 * what it inlines, and stops inlining past a node budget that one loop holding exp and a GELU overruns
 * (NodeCountInliningCutoff; every vector then lives boxed on the heap); small loops stay well within it.
 * Helpers that take or return vectors are tiny (load, store, bc): a larger one, once compiled on its own, is
 * no longer inlined ("already compiled into a big method").
 */
final class CpuUnaryVector {
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    /** Doubles per vector. */
    private static final int L = SD.length();
    /** Elements per pass over the scratch: a multiple of any lane count, 4 KiB of doubles. */
    private static final int CHUNK = 512;

    // exp(a) = 2^n exp(r), n = round(a / ln 2), r = a - n ln 2 with ln 2 split as in fdlibm's e_exp.c (LN2_HI
    // has its low 32 bits clear, so n * LN2_HI is exact), exp(r) by its Taylor series to r^9 / 9!: relative
    // error under 2e-10 on |r| <= ln 2 / 2, far below the float rounding that follows.
    private static final double LOG2E = 1.4426950408889634, LN2_HI = 6.93147180369123816490e-01,
            LN2_LO = 1.90821492927058770002e-10;
    /** 1.5 * 2^52: adding it rounds a double of magnitude below 2^51 to an integer, left in the low mantissa bits. */
    private static final double ROUND = 0x1.8p52;
    private static final long ROUND_BITS = Double.doubleToRawLongBits(ROUND);
    /** Arguments are clamped to [EXP_LO, EXP_HI] (normal results), then exp is 0 below EXP_LO, infinite above OVERFLOW. */
    private static final double EXP_LO = -708, EXP_HI = 709, OVERFLOW = 709.782712893384;

    private CpuUnaryVector() {}

    /** Whether {@link #forward} / {@link #backward} implement {@code op}. */
    static boolean handles(UnaryOp op) {
        return switch (op) {
            case EXP, TANH, SIGMOID, GELU_TANH, GELU_ERF -> true;
            default -> false;
        };
    }

    /** y[i] = op(x[i]) for i in [from, to); {@code op} must be one that {@link #handles}. */
    static void forward(UnaryOp op, float[] x, float[] y, int from, int to, double a, double b) {
        if (!handles(op)) throw new IllegalArgumentException("CpuUnaryVector does not implement " + op);
        int end = from + SD.loopBound(to - from);
        double[] e = new double[CHUNK], xd = new double[CHUNK], yd = new double[CHUNK];
        for (int s = from; s < end; s += CHUNK) {
            int n = Math.min(CHUNK, end - s);
            widen(x, s, xd, n);
            switch (op) {
                case EXP -> { scaled(xd, e, n, 1.0); exp(e, n); }
                case TANH -> { scaledAbs(xd, e, n, -2.0); exp(e, n); tanh(xd, e, yd, n); }
                case SIGMOID -> { scaled(xd, e, n, -1.0); exp(e, n); sigmoid(e, yd, n); }
                case GELU_TANH -> { geluTanhArg(xd, e, n, Double.NEGATIVE_INFINITY); exp(e, n); geluTanh(xd, e, yd, n); }
                case GELU_ERF -> { halfSquare(xd, e, n); exp(e, n); geluErf(xd, e, yd, n); }
                default -> throw new AssertionError(op);
            }
            narrowTo(op == UnaryOp.EXP ? e : yd, y, s, n); // exp's result is e itself
        }
        CpuUnaryF.forward(op, x, y, end, to, a, b);
    }

    /** dx[i] = dy[i] * op'(x[i]) for i in [from, to); {@code op} must be one that {@link #handles}. */
    static void backward(UnaryOp op, float[] x, float[] dy, float[] dx, int from, int to, double a, double b) {
        if (!handles(op)) throw new IllegalArgumentException("CpuUnaryVector does not implement " + op);
        int end = from + SD.loopBound(to - from);
        double[] e = new double[CHUNK], xd = new double[CHUNK], gd = new double[CHUNK], od = new double[CHUNK];
        for (int s = from; s < end; s += CHUNK) {
            int n = Math.min(CHUNK, end - s);
            widen(x, s, xd, n);
            widen(dy, s, gd, n);
            switch (op) {
                case EXP -> { scaled(xd, e, n, 1.0); exp(e, n); times(e, gd, od, n); }
                case TANH -> { scaledAbs(xd, e, n, -2.0); exp(e, n); tanhGrad(e, gd, od, n); }
                case SIGMOID -> { scaledAbs(xd, e, n, -1.0); exp(e, n); sigmoidGrad(e, gd, od, n); }
                case GELU_TANH -> { geluTanhArg(xd, e, n, -300.0); exp(e, n); geluTanhGrad(xd, e, gd, od, n); }
                case GELU_ERF -> { halfSquare(xd, e, n); exp(e, n); geluErfGrad(xd, e, gd, od, n); }
                default -> throw new AssertionError(op);
            }
            narrowTo(od, dx, s, n);
        }
        CpuUnaryF.backward(op, x, dy, dx, end, to, a, b);
    }

    // ---------------------------------------------------------------- exp

    /** e[k] = exp(e[k]) for k in [0, n), n a multiple of the lane count. */
    static void exp(double[] e, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector a = DoubleVector.fromArray(SD, e, k);
            DoubleVector c = a.max(EXP_LO).min(EXP_HI); // NaN stays NaN
            DoubleVector t = c.fma(bc(LOG2E), bc(ROUND)), m = t.sub(ROUND);
            DoubleVector r = m.fma(bc(-LN2_HI), c);
            r = m.fma(bc(-LN2_LO), r);
            DoubleVector p = bc(1.0 / 362880).fma(r, bc(1.0 / 40320)).fma(r, bc(1.0 / 5040)).fma(r, bc(1.0 / 720))
                    .fma(r, bc(1.0 / 120)).fma(r, bc(1.0 / 24)).fma(r, bc(1.0 / 6)).fma(r, bc(0.5)).fma(r, bc(1.0)).fma(r, bc(1.0));
            DoubleVector scale = t.reinterpretAsLongs().sub(ROUND_BITS - 1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            p.mul(scale).blend(0.0, a.lt(EXP_LO)).blend(Double.POSITIVE_INFINITY, a.compare(VectorOperators.GT, OVERFLOW))
                    .intoArray(e, k);
        }
    }

    // ---------------------------------------------------------------- exp arguments

    /** e[k] = c x[k]. */
    private static void scaled(double[] x, double[] e, int n, double c) {
        for (int k = 0; k < n; k += L) load(x, k).mul(c).intoArray(e, k);
    }

    /** e[k] = c |x[k]|. */
    private static void scaledAbs(double[] x, double[] e, int n, double c) {
        for (int k = 0; k < n; k += L) load(x, k).abs().mul(c).intoArray(e, k);
    }

    /** e[k] = -x^2 / 2. */
    private static void halfSquare(double[] x, double[] e, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector v = load(x, k);
            v.mul(v).mul(-0.5).intoArray(e, k);
        }
    }

    /** e[k] = -2 max(u, lo), u = c (v + 0.044715 v^3). */
    private static void geluTanhArg(double[] x, double[] e, int n, double lo) {
        for (int k = 0; k < n; k += L) {
            DoubleVector v = load(x, k);
            v.mul(v).mul(v).mul(CpuUnary.GELU_C).add(v).mul(CpuUnary.SQRT_2_OVER_PI).max(lo).mul(-2.0).intoArray(e, k);
        }
    }

    // ---------------------------------------------------------------- results from e

    private static void times(double[] e, double[] dy, double[] dx, int n) {
        for (int k = 0; k < n; k += L) store(DoubleVector.fromArray(SD, e, k).mul(load(dy, k)), dx, k);
    }

    /** (1 - e) / (1 + e) with e = exp(-2|v|), v's sign; v itself below TANH_TINY. */
    private static void tanh(double[] x, double[] e, double[] y, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector v = load(x, k), ek = DoubleVector.fromArray(SD, e, k);
            DoubleVector t = bc(1.0).sub(ek).div(ek.add(1.0));
            store(t.blend(t.neg(), v.lt(0.0)).blend(v, v.abs().lt(CpuUnaryF.TANH_TINY)), y, k);
        }
    }

    /** 1 - tanh^2 v = 4e / (1 + e)^2 with e = exp(-2|v|). */
    private static void tanhGrad(double[] e, double[] dy, double[] dx, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector ek = DoubleVector.fromArray(SD, e, k), d = ek.add(1.0);
            store(ek.mul(4.0).div(d.mul(d)).mul(load(dy, k)), dx, k);
        }
    }

    /** 1 / (1 + e) with e = exp(-v). */
    private static void sigmoid(double[] e, double[] y, int n) {
        for (int k = 0; k < n; k += L) store(bc(1.0).div(DoubleVector.fromArray(SD, e, k).add(1.0)), y, k);
    }

    /** s (1 - s) = e / (1 + e)^2 with e = exp(-|v|). */
    private static void sigmoidGrad(double[] e, double[] dy, double[] dx, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector ek = DoubleVector.fromArray(SD, e, k), d = ek.add(1.0);
            store(ek.div(d.mul(d)).mul(load(dy, k)), dx, k);
        }
    }

    /** v sigmoid(2u) = v / (1 + e) with e = exp(-2u). */
    private static void geluTanh(double[] x, double[] e, double[] y, int n) {
        for (int k = 0; k < n; k += L) store(load(x, k).div(DoubleVector.fromArray(SD, e, k).add(1.0)), y, k);
    }

    /** s + 2 v u' s^2 e with s = sigmoid(2u), e = exp(-2u) (u clamped below so that e stays finite), + (v - v) for NaN at infinite v. */
    private static void geluTanhGrad(double[] x, double[] e, double[] dy, double[] dx, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector v = load(x, k), ek = DoubleVector.fromArray(SD, e, k);
            DoubleVector du = v.mul(v).mul(3.0 * CpuUnary.GELU_C).add(1.0).mul(CpuUnary.SQRT_2_OVER_PI);
            DoubleVector sg = bc(1.0).div(ek.add(1.0));
            DoubleVector g = v.mul(2.0).mul(du).mul(sg).mul(sg).mul(ek).add(sg).add(v.sub(v));
            store(g.mul(load(dy, k)), dx, k);
        }
    }

    /** v Phi(v), e = exp(-v^2 / 2). */
    private static void geluErf(double[] x, double[] e, double[] y, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector v = load(x, k), pdf = DoubleVector.fromArray(SD, e, k).mul(CpuUnaryF.INV_SQRT_2PI);
            DoubleVector t = v.abs().min(64.0); // the cdf as below, written out so that C2 keeps it inlined
            DoubleVector p = bc(CpuUnaryF.M_P5).fma(t, bc(CpuUnaryF.M_P4)).fma(t, bc(CpuUnaryF.M_P3))
                    .fma(t, bc(CpuUnaryF.M_P2)).fma(t, bc(CpuUnaryF.M_P1)).fma(t, bc(CpuUnaryF.M_P0));
            DoubleVector q = bc(CpuUnaryF.M_Q6).fma(t, bc(CpuUnaryF.M_Q5)).fma(t, bc(CpuUnaryF.M_Q4))
                    .fma(t, bc(CpuUnaryF.M_Q3)).fma(t, bc(CpuUnaryF.M_Q2)).fma(t, bc(CpuUnaryF.M_Q1)).fma(t, bc(1.0));
            DoubleVector tail = pdf.mul(p).div(q);
            store(v.mul(bc(1.0).sub(tail).blend(tail, v.lt(0.0))), y, k);
        }
    }

    /**
     * Phi(v) + v pdf(v), e = exp(-v^2 / 2), with Phi(-|v|) = pdf(v) M(|v|) where v < 0 and 1 - that elsewhere
     * (M: {@link CpuUnaryF#mills}).
     */
    private static void geluErfGrad(double[] x, double[] e, double[] dy, double[] dx, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector v = load(x, k), pdf = DoubleVector.fromArray(SD, e, k).mul(CpuUnaryF.INV_SQRT_2PI);
            DoubleVector t = v.abs().min(64.0);
            DoubleVector p = bc(CpuUnaryF.M_P5).fma(t, bc(CpuUnaryF.M_P4)).fma(t, bc(CpuUnaryF.M_P3))
                    .fma(t, bc(CpuUnaryF.M_P2)).fma(t, bc(CpuUnaryF.M_P1)).fma(t, bc(CpuUnaryF.M_P0));
            DoubleVector q = bc(CpuUnaryF.M_Q6).fma(t, bc(CpuUnaryF.M_Q5)).fma(t, bc(CpuUnaryF.M_Q4))
                    .fma(t, bc(CpuUnaryF.M_Q3)).fma(t, bc(CpuUnaryF.M_Q2)).fma(t, bc(CpuUnaryF.M_Q1)).fma(t, bc(1.0));
            DoubleVector tail = pdf.mul(p).div(q);
            DoubleVector cdf = bc(1.0).sub(tail).blend(tail, v.lt(0.0));
            store(v.fma(pdf, cdf).mul(load(dy, k)), dx, k);
        }
    }

    private static DoubleVector load(double[] a, int i) {
        return DoubleVector.fromArray(SD, a, i);
    }

    private static void store(DoubleVector v, double[] a, int i) {
        v.intoArray(a, i);
    }

    /**
     * Floats are widened into (and results narrowed from) double scratch arrays by plain loops, which C2
     * vectorises, rather than by casting float vectors: a float vector of a second shape (here the half-width
     * one matching the double lanes) in the same JVM makes C2 stop intrinsifying the 512-bit float vectors of
     * the GEMM, attention and conv kernels at their shared call sites (they box, several times slower).
     */
    private static void widen(float[] a, int s, double[] d, int n) {
        for (int k = 0; k < n; k++) d[k] = a[s + k];
    }

    private static void narrowTo(double[] d, float[] a, int s, int n) {
        for (int k = 0; k < n; k++) a[s + k] = (float) d[k];
    }

    private static DoubleVector bc(double c) {
        return DoubleVector.broadcast(SD, c);
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 activations whose scalar form ({@link CpuUnaryF}) is bound by one {@code Math.exp} per element
 * (exp, sigmoid, tanh and both GELUs, forward and backward), on the {@code jdk.incubator.vector} API with an
 * exp of its own: this JDK's {@code VectorOperators.EXP} / {@code TANH} fall back to scalar calls. Like
 * {@link CpuGemmVectorF}, only loaded when {@link CpuGemm#VECTOR} is set, so only when the module is present.
 *
 * <p>The exact GELU (forward and backward) and the forward of tanh, sigmoid and the tanh GELU run in float
 * vectors of {@code FloatVector.SPECIES_PREFERRED} (the GEMM's shape; ints only by reinterpreting those, never a
 * second float shape), with a float exp and rational fits of their own: within a few ulp of the double staging
 * path (the tests' bound is 2 ulp or 1e-7 absolute; each method says how its parts keep their error small).
 * Each step takes two vectors, so that two long dependent chains are in flight. The GELU backward's tail part
 * goes through a float scratch, two small loops instead of one long one.
 *
 * <p>Exp (which must give {@code Math.exp}'s bits) and the other backward passes keep {@link CpuUnaryF}'s
 * formulas, evaluated the same way in double (floats widened into a double scratch by {@link #widen}) and
 * rounded once, so results stay within about half an ulp of the staging path as the scalar twin's do; they are
 * not bit-identical to it (this exp differs from {@code Math.exp} by ~1e-10). The tail of each range that does
 * not fill a vector (or a pair) runs through the scalar twin.
 *
 * <p>Each op runs in chunks of {@link #CHUNK} elements as small loops over a scratch that stays in L1: for the
 * double ops the exp argument, {@link #exp} in place, then the result. C2 keeps vectors in registers only within
 * what it inlines, and stops inlining past a node budget that one loop holding exp and a GELU in double
 * overruns (NodeCountInliningCutoff; every vector then lives boxed on the heap); small loops stay well within it.
 * Vector constants are static finals for the same reason (a broadcast inlined in the loop costs nodes).
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
        if (op != UnaryOp.EXP) { // exp must give Math.exp's bits: it stays in double below
            int end = from + (to - from) / (2 * LF) * (2 * LF);
            switch (op) {
                case GELU_ERF -> geluErf(x, y, from, end);
                case TANH -> tanh(x, y, from, end);
                case SIGMOID -> sigmoid(x, y, from, end);
                case GELU_TANH -> geluTanh(x, y, from, end);
                default -> throw new AssertionError(op);
            }
            CpuUnaryF.forward(op, x, y, end, to, a, b);
            return;
        }
        int end = from + SD.loopBound(to - from);
        double[] e = new double[CHUNK], xd = new double[CHUNK];
        for (int s = from; s < end; s += CHUNK) {
            int n = Math.min(CHUNK, end - s);
            widen(x, s, xd, n);
            scaled(xd, e, n, 1.0);
            exp(e, n);
            narrowTo(e, y, s, n);
        }
        CpuUnaryF.forward(op, x, y, end, to, a, b);
    }

    /**
     * Whether {@link #backward} implements {@code op}: those of {@link #handles} and relu, whose scalar select
     * (bit masks on the float's bits) C2 does not vectorize (4.6x slower on a cached block, 2x on a conv's
     * activations in memory), while its forward {@code Math.max} loop it does.
     */
    static boolean handlesBackward(UnaryOp op) {
        return handles(op) || op == UnaryOp.RELU;
    }

    /** dx[i] = dy[i] * op'(x[i]) for i in [from, to); {@code op} must be one that {@link #handlesBackward}. */
    static void backward(UnaryOp op, float[] x, float[] dy, float[] dx, int from, int to, double a, double b) {
        if (!handlesBackward(op)) throw new IllegalArgumentException("CpuUnaryVector does not implement " + op);
        if (op == UnaryOp.RELU) {
            reluBackward(x, dy, dx, from, to);
            return;
        }
        if (op == UnaryOp.GELU_ERF) {
            int end = from + (to - from) / (2 * LF) * (2 * LF);
            float[] u = new float[Math.min(CHUNK, end - from)];
            for (int s = from; s < end; s += CHUNK) {
                int e = Math.min(s + CHUNK, end);
                geluErfTail(x, u, s, e);
                geluErfGrad(x, dy, u, dx, s, e);
            }
            CpuUnaryF.backward(op, x, dy, dx, end, to, a, b);
            return;
        }
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
                default -> throw new AssertionError(op);
            }
            narrowTo(od, dx, s, n);
        }
        CpuUnaryF.backward(op, x, dy, dx, end, to, a, b);
    }

    // ---------------------------------------------------------------- GELU (erf) in float

    private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = SF.withLanes(int.class);
    /** Floats per vector; the float loops take two vectors per step. */
    private static final int LF = SF.length();

    // exp(-t^2 / 2) = 2^n (1 + s): a = -t^2 / 2 is rounded, la its exact remainder (an FMA); n = round(a log2 e)
    // by adding 1.5 * 2^23 + 127, which leaves n + 127 in the low bits (the exponent field of 2^n, after a
    // shift); r = a - n ln 2 + la, with ln 2 split so that n LN2F_HI is exact; 1 + s = 1 + r + r g(r), g of
    // degree 5 fitted to exp on [-ln 2 / 2, ln 2 / 2] (least squares reweighted toward minimax, coefficients
    // rounded to float one at a time and the rest refitted): relative error 3e-9 there. Where n + 127 <= 0
    // (|t| > 13.2, exp(-t^2 / 2) < 2^-126) the scale is 0; t is clamped at 16 first so that t^2 stays finite.
    private static final float LN2F_HI = 0.693359375f, LN2F_LO = -2.12194440e-4f, ROUNDF = 0x1.8p23f;
    private static final FloatVector LOG2EF = fv(1.44269504f), ROUND127 = fv(ROUNDF + 127f), M_LN2F_HI = fv(-LN2F_HI),
            M_LN2F_LO = fv(-LN2F_LO), E2 = fv(0.4999999403953552f), E3 = fv(0.1666652113199234f),
            E4 = fv(0.041668254882097244f), E5 = fv(0.008368673734366894f), E6 = fv(0.001382172922603786f);
    private static final IntVector SIGN = iv(0x80000000), SIXTEEN = iv(Float.floatToRawIntBits(16f)),
            ROUNDF_BITS = iv(Float.floatToRawIntBits(ROUNDF)), IZERO = iv(0);
    private static final FloatVector ZERO = fv(0f), HALF = fv(0.5f), M_HALF = fv(-0.5f), ONE = fv(1f);

    // With pdf(0) = 1 / sqrt(2 pi) and the Mills ratio M(t) = (1 - Phi(t)) / pdf(t):
    // CM(t) = pdf(0) M(t) = (1 - Phi(t)) exp(t^2 / 2) ~ -CM_P(t) / CM_Q(t) on [0, 13.5], relative error 1.5e-8
    // (CM_P holds the negated numerator). Fitted for this class with numpy against mpmath's erfc at 40 digits:
    // linearised least squares (Sanathanan-Koerner) on 2000 Chebyshev points, relative weights, Lawson
    // reweighting toward minimax, then coefficients rounded to float one at a time with the rest refitted.
    private static final FloatVector CM_P0 = fv(-0.5f), CM_P1 = fv(-0.4355538487434387f), CM_P2 = fv(-0.1811872273683548f),
            CM_P3 = fv(-0.03993770852684975f), CM_P4 = fv(-0.004011469427496195f), CM_Q1 = fv(1.668992519378662f),
            CM_Q2 = fv(1.194034218788147f), CM_Q3 = fv(0.46405935287475586f), CM_Q4 = fv(0.1001163199543953f),
            CM_Q5 = fv(0.010055121034383774f);

    /**
     * y = x Phi(x) for [from, end), a multiple of two vectors: y = x - x (1 - Phi(|x|)) for x >= 0 and
     * x (1 - Phi(|x|)) for x < 0, with 1 - Phi(t) = exp(-t^2 / 2) CM(t) (relative error a few ulp, also in the
     * far left tail; the subtraction for x >= 0 is one FMA). Within 0.6 of the tests' bound (2 ulp or 1e-7) of
     * the double staging path. -0 stays -0 and -inf gives NaN as there: the addend is x * 0 for x < 0.
     * Two vectors per step: each is one long dependent chain, and two in flight keep the FMA units busy.
     */
    static void geluErf(float[] xa, float[] ya, int from, int end) {
        for (int i = from; i < end; i += 2 * LF) {
            FloatVector x0 = FloatVector.fromArray(SF, xa, i), x1 = FloatVector.fromArray(SF, xa, i + LF);
            IntVector xb0 = x0.reinterpretAsInts(), xb1 = x1.reinterpretAsInts();
            FloatVector t0 = xb0.lanewise(VectorOperators.AND_NOT, SIGN).min(SIXTEEN).reinterpretAsFloats();
            FloatVector t1 = xb1.lanewise(VectorOperators.AND_NOT, SIGN).min(SIXTEEN).reinterpretAsFloats();
            FloatVector nh0 = t0.mul(M_HALF), nh1 = t1.mul(M_HALF);
            FloatVector a0 = t0.mul(nh0), a1 = t1.mul(nh1);
            FloatVector la0 = t0.fma(nh0, a0.neg()), la1 = t1.fma(nh1, a1.neg());
            FloatVector sr0 = a0.fma(LOG2EF, ROUND127), sr1 = a1.fma(LOG2EF, ROUND127);
            FloatVector n0 = sr0.sub(ROUND127), n1 = sr1.sub(ROUND127);
            FloatVector r0 = n0.fma(M_LN2F_HI, a0).add(n0.fma(M_LN2F_LO, la0));
            FloatVector r1 = n1.fma(M_LN2F_HI, a1).add(n1.fma(M_LN2F_LO, la1));
            FloatVector g0 = E6.fma(r0, E5).fma(r0, E4).fma(r0, E3).fma(r0, E2).mul(r0);
            FloatVector g1 = E6.fma(r1, E5).fma(r1, E4).fma(r1, E3).fma(r1, E2).mul(r1);
            FloatVector s0 = r0.fma(g0, r0), s1 = r1.fma(g1, r1);
            FloatVector sc0 = sr0.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sc1 = sr1.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e0 = s0.fma(sc0, sc0), e1 = s1.fma(sc1, sc1);
            FloatVector p0 = CM_P4.fma(t0, CM_P3).fma(t0, CM_P2).fma(t0, CM_P1).fma(t0, CM_P0);
            FloatVector p1 = CM_P4.fma(t1, CM_P3).fma(t1, CM_P2).fma(t1, CM_P1).fma(t1, CM_P0);
            FloatVector q0 = CM_Q5.fma(t0, CM_Q4).fma(t0, CM_Q3).fma(t0, CM_Q2).fma(t0, CM_Q1).fma(t0, ONE);
            FloatVector q1 = CM_Q5.fma(t1, CM_Q4).fma(t1, CM_Q3).fma(t1, CM_Q2).fma(t1, CM_Q1).fma(t1, ONE);
            IntVector m0 = xb0.lanewise(VectorOperators.ASHR, 31), m1 = xb1.lanewise(VectorOperators.ASHR, 31);
            FloatVector xp0 = xb0.lanewise(VectorOperators.BITWISE_BLEND, x0.mul(ZERO).reinterpretAsInts(), m0).reinterpretAsFloats();
            FloatVector xp1 = xb1.lanewise(VectorOperators.BITWISE_BLEND, x1.mul(ZERO).reinterpretAsInts(), m1).reinterpretAsFloats();
            t0.mul(p0.div(q0)).fma(e0, xp0).intoArray(ya, i);
            t1.mul(p1.div(q1)).fma(e1, xp1).intoArray(ya, i + LF);
        }
    }

    // For t = |x| >= 1/2: F(t) = Phi(t) + t pdf(t) - 1 = pdf(t) (t - M(t)) = exp(-t^2 / 2) (t - t0) CR(t), t0 the
    // root of M(t) = t (so CR has no pole there and F is exact at t0 up to T0's rounding, which costs ~2e-9
    // absolute), CR(t) = CF + K(t), CF = pdf(0) rounded, K(t) ~ K_P(t) / K_Q(t) on [0.5, 13.5] (relative error
    // 4e-8 of K, 1e-8 of CR; fitted as CM above). K <= CR / 3 damps its rounding errors.
    private static final FloatVector M_T0 = fv(-0.7517915368080139f), CF = fv(0.3989422917366028f),
            K_P0 = fv(0.2661302387714386f), K_P1 = fv(0.21768736839294434f), K_P2 = fv(0.07537583261728287f),
            K_P3 = fv(0.011148381046950817f), K_Q1 = fv(1.4815887212753296f), K_Q2 = fv(0.9004834890365601f),
            K_Q3 = fv(0.2727777659893036f), K_Q4 = fv(0.037171944975852966f);
    // For |x| < 1/2: Phi(x) + x pdf(x) = 1/2 + x G(x^2), G(h) = G0H + G0L + h G1(h) (G0H + G0L = 2 pdf(0) in two
    // floats), G1 a polynomial fitted on [0, 1/4] as above (relative error 3e-8).
    private static final FloatVector G0H = fv(0.7978845834732056f), G0L = fv(-2.2670340271702116e-08f),
            G10 = fv(-0.26596152782440186f), G11 = fv(0.05984126031398773f), G12 = fv(-0.009492817334830761f),
            G13 = fv(0.0011054447386413813f);

    /** u[i - from] = F(|x[i]|) for [from, end), a multiple of two vectors; NaN where x is NaN or infinite. */
    static void geluErfTail(float[] xa, float[] u, int from, int end) {
        for (int i = from; i < end; i += 2 * LF) {
            FloatVector t0 = FloatVector.fromArray(SF, xa, i).abs(), t1 = FloatVector.fromArray(SF, xa, i + LF).abs();
            FloatVector c0 = t0.reinterpretAsInts().min(SIXTEEN).reinterpretAsFloats();
            FloatVector c1 = t1.reinterpretAsInts().min(SIXTEEN).reinterpretAsFloats();
            FloatVector nh0 = c0.mul(M_HALF), nh1 = c1.mul(M_HALF);
            FloatVector a0 = c0.mul(nh0), a1 = c1.mul(nh1);
            FloatVector la0 = c0.fma(nh0, a0.neg()), la1 = c1.fma(nh1, a1.neg());
            FloatVector sr0 = a0.fma(LOG2EF, ROUND127), sr1 = a1.fma(LOG2EF, ROUND127);
            FloatVector n0 = sr0.sub(ROUND127), n1 = sr1.sub(ROUND127);
            FloatVector r0 = n0.fma(M_LN2F_HI, a0).add(n0.fma(M_LN2F_LO, la0));
            FloatVector r1 = n1.fma(M_LN2F_HI, a1).add(n1.fma(M_LN2F_LO, la1));
            FloatVector g0 = E6.fma(r0, E5).fma(r0, E4).fma(r0, E3).fma(r0, E2).mul(r0);
            FloatVector g1 = E6.fma(r1, E5).fma(r1, E4).fma(r1, E3).fma(r1, E2).mul(r1);
            FloatVector s0 = r0.fma(g0, r0), s1 = r1.fma(g1, r1);
            FloatVector sc0 = sr0.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sc1 = sr1.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector kp0 = K_P3.fma(c0, K_P2).fma(c0, K_P1).fma(c0, K_P0), kp1 = K_P3.fma(c1, K_P2).fma(c1, K_P1).fma(c1, K_P0);
            FloatVector kq0 = K_Q4.fma(c0, K_Q3).fma(c0, K_Q2).fma(c0, K_Q1).fma(c0, ONE);
            FloatVector kq1 = K_Q4.fma(c1, K_Q3).fma(c1, K_Q2).fma(c1, K_Q1).fma(c1, ONE);
            FloatVector d0 = t0.add(M_T0), d1 = t1.add(M_T0); // unclamped: infinite t gives 0 * inf = NaN below
            FloatVector dc0 = d0.fma(CF, d0.mul(kp0.div(kq0))), dc1 = d1.fma(CF, d1.mul(kp1.div(kq1)));
            s0.fma(dc0, dc0).mul(sc0).intoArray(u, i - from);
            s1.fma(dc1, dc1).mul(sc1).intoArray(u, i - from + LF);
        }
    }

    /**
     * dx = dy (Phi(x) + x pdf(x)) for [from, end), a multiple of two vectors, u from {@link #geluErfTail}.
     * For |x| >= 1/2: dy (1 + F) (one FMA) for x >= 0 and -dy F for x < 0 (Phi(-t) = 1 - Phi(t)). For |x| < 1/2,
     * where Phi(x) + x pdf(x) nears 0 at x = -t0 and the relative error of F would count: dy / 2 + (dy x) G,
     * with dy x split exactly (pp + pe). Selections by sign and range are bit operations on masks made by
     * arithmetic shifts; comparisons and blends cost several instructions each on this JDK.
     */
    static void geluErfGrad(float[] xa, float[] dya, float[] u, float[] dxa, int from, int end) {
        for (int i = from; i < end; i += 2 * LF) {
            FloatVector x0 = FloatVector.fromArray(SF, xa, i), x1 = FloatVector.fromArray(SF, xa, i + LF);
            FloatVector dy0 = FloatVector.fromArray(SF, dya, i), dy1 = FloatVector.fromArray(SF, dya, i + LF);
            IntVector xb0 = x0.reinterpretAsInts(), xb1 = x1.reinterpretAsInts();
            // tails: u with x's sign, plus dy where x >= 0 (sign bit clear)
            IntVector f0 = FloatVector.fromArray(SF, u, i - from).reinterpretAsInts().lanewise(VectorOperators.XOR, xb0.and(SIGN));
            IntVector f1 = FloatVector.fromArray(SF, u, i - from + LF).reinterpretAsInts().lanewise(VectorOperators.XOR, xb1.and(SIGN));
            FloatVector v0 = dy0.reinterpretAsInts().lanewise(VectorOperators.AND_NOT, xb0.lanewise(VectorOperators.ASHR, 31)).reinterpretAsFloats();
            FloatVector v1 = dy1.reinterpretAsInts().lanewise(VectorOperators.AND_NOT, xb1.lanewise(VectorOperators.ASHR, 31)).reinterpretAsFloats();
            FloatVector tail0 = dy0.fma(f0.reinterpretAsFloats(), v0), tail1 = dy1.fma(f1.reinterpretAsFloats(), v1);
            // |x| < 1/2
            FloatVector t0 = x0.abs(), t1 = x1.abs();
            FloatVector h0 = t0.mul(t0), h1 = t1.mul(t1);
            FloatVector gr0 = G13.fma(h0, G12).fma(h0, G11).fma(h0, G10).fma(h0, G0L);
            FloatVector gr1 = G13.fma(h1, G12).fma(h1, G11).fma(h1, G10).fma(h1, G0L);
            FloatVector pp0 = dy0.mul(x0), pp1 = dy1.mul(x1);
            FloatVector pe0 = dy0.fma(x0, pp0.neg()), pe1 = dy1.fma(x1, pp1.neg());
            FloatVector mid0 = pp0.fma(G0H, dy0.mul(HALF)).add(pp0.fma(gr0, pe0.mul(G0H)));
            FloatVector mid1 = pp1.fma(G0H, dy1.mul(HALF)).add(pp1.fma(gr1, pe1.mul(G0H)));
            // all ones where |x| < 1/2 (t - 1/2 negative); NaN keeps its positive sign and takes the tail
            IntVector in0 = t0.sub(HALF).reinterpretAsInts().lanewise(VectorOperators.ASHR, 31);
            IntVector in1 = t1.sub(HALF).reinterpretAsInts().lanewise(VectorOperators.ASHR, 31);
            tail0.reinterpretAsInts().lanewise(VectorOperators.BITWISE_BLEND, mid0.reinterpretAsInts(), in0).reinterpretAsFloats().intoArray(dxa, i);
            tail1.reinterpretAsInts().lanewise(VectorOperators.BITWISE_BLEND, mid1.reinterpretAsInts(), in1).reinterpretAsFloats().intoArray(dxa, i + LF);
        }
    }

    // ---------------------------------------------------------------- tanh, sigmoid and GELU (tanh) forward in float

    // Each from exp(a), a = -2|x|, -|x| or -2|u| <= 0 exact or nearly, as 2^n (1 + s) (see the GELU's exp above,
    // without its remainder term), and one division. Their backward stays in double: there the float chains'
    // errors would reach the tests' bound where the derivative nears 1 (tanh) or dy is a few times 1.
    private static final FloatVector TANH_MAX = fv(10f), TANH_SPLIT = fv(0.55f), SIGMOID_MAX = fv(104f), M_TWO = fv(-2f),
            GELU_C = fv((float) CpuUnary.GELU_C), M_TWO_S = fv((float) (-2 * CpuUnary.SQRT_2_OVER_PI));
    private static final IntVector TWELVE = iv(Float.floatToRawIntBits(12f));

    /**
     * tanh |x| = (1 - e) / (1 + e) below 0.55 and 1 - 2e / (1 + e) above (no rounding of 1 + e just above 1 to
     * lose there), e = exp(-2|x|) = 2^n (1 + s); 1 - e, 2e and 1 + e each one FMA from the parts, so that near 0
     * (n = 0) 1 - e is -s itself; one division; x's sign last. |x| is clamped at 10 (tanh = 1 in float) with a
     * NaN-keeping min. Within 1.3 ulp, or 1e-7 absolute, of the staging path.
     */
    static void tanh(float[] xa, float[] ya, int from, int end) {
        for (int i = from; i < end; i += 2 * LF) {
            FloatVector x0 = FloatVector.fromArray(SF, xa, i), x1 = FloatVector.fromArray(SF, xa, i + LF);
            FloatVector t0 = x0.abs().min(TANH_MAX), t1 = x1.abs().min(TANH_MAX);
            FloatVector a0 = t0.mul(M_TWO), a1 = t1.mul(M_TWO);
            FloatVector sr0 = a0.fma(LOG2EF, ROUND127), sr1 = a1.fma(LOG2EF, ROUND127);
            FloatVector n0 = sr0.sub(ROUND127), n1 = sr1.sub(ROUND127);
            FloatVector r0 = n0.fma(M_LN2F_LO, n0.fma(M_LN2F_HI, a0)), r1 = n1.fma(M_LN2F_LO, n1.fma(M_LN2F_HI, a1));
            FloatVector g0 = E6.fma(r0, E5).fma(r0, E4).fma(r0, E3).fma(r0, E2).mul(r0);
            FloatVector g1 = E6.fma(r1, E5).fma(r1, E4).fma(r1, E3).fma(r1, E2).mul(r1);
            FloatVector s0 = r0.fma(g0, r0), s1 = r1.fma(g1, r1);
            FloatVector sc0 = sr0.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sc1 = sr1.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            IntVector lo0 = t0.sub(TANH_SPLIT).reinterpretAsInts().lanewise(VectorOperators.ASHR, 31); // all ones below
            IntVector lo1 = t1.sub(TANH_SPLIT).reinterpretAsInts().lanewise(VectorOperators.ASHR, 31);
            FloatVector tw0 = sc0.add(sc0), tw1 = sc1.add(sc1);
            IntVector p0 = s0.fma(tw0, tw0).reinterpretAsInts()
                    .lanewise(VectorOperators.BITWISE_BLEND, sc0.neg().fma(s0, ONE.sub(sc0)).reinterpretAsInts(), lo0);
            IntVector p1 = s1.fma(tw1, tw1).reinterpretAsInts()
                    .lanewise(VectorOperators.BITWISE_BLEND, sc1.neg().fma(s1, ONE.sub(sc1)).reinterpretAsInts(), lo1);
            FloatVector q0 = p0.reinterpretAsFloats().div(sc0.fma(s0, ONE.add(sc0)));
            FloatVector q1 = p1.reinterpretAsFloats().div(sc1.fma(s1, ONE.add(sc1)));
            q0 = ONE.sub(q0).reinterpretAsInts().lanewise(VectorOperators.BITWISE_BLEND, q0.reinterpretAsInts(), lo0).reinterpretAsFloats();
            q1 = ONE.sub(q1).reinterpretAsInts().lanewise(VectorOperators.BITWISE_BLEND, q1.reinterpretAsInts(), lo1).reinterpretAsFloats();
            q0.reinterpretAsInts().lanewise(VectorOperators.XOR, x0.reinterpretAsInts().and(SIGN)).reinterpretAsFloats().intoArray(ya, i);
            q1.reinterpretAsInts().lanewise(VectorOperators.XOR, x1.reinterpretAsInts().and(SIGN)).reinterpretAsFloats().intoArray(ya, i + LF);
        }
    }

    /**
     * sigmoid x = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0 (by the sign bit), e = exp(-|x|) = 2^n (1 + s),
     * so that exp never overflows; |x| clamped at 104 (e = 0) with a NaN-keeping min. Within 1.5 ulp, or 1e-7
     * absolute, of the staging path.
     */
    static void sigmoid(float[] xa, float[] ya, int from, int end) {
        for (int i = from; i < end; i += 2 * LF) {
            FloatVector x0 = FloatVector.fromArray(SF, xa, i), x1 = FloatVector.fromArray(SF, xa, i + LF);
            FloatVector a0 = x0.abs().min(SIGMOID_MAX).neg(), a1 = x1.abs().min(SIGMOID_MAX).neg();
            FloatVector sr0 = a0.fma(LOG2EF, ROUND127), sr1 = a1.fma(LOG2EF, ROUND127);
            FloatVector n0 = sr0.sub(ROUND127), n1 = sr1.sub(ROUND127);
            FloatVector r0 = n0.fma(M_LN2F_LO, n0.fma(M_LN2F_HI, a0)), r1 = n1.fma(M_LN2F_LO, n1.fma(M_LN2F_HI, a1));
            FloatVector g0 = E6.fma(r0, E5).fma(r0, E4).fma(r0, E3).fma(r0, E2).mul(r0);
            FloatVector g1 = E6.fma(r1, E5).fma(r1, E4).fma(r1, E3).fma(r1, E2).mul(r1);
            FloatVector s0 = r0.fma(g0, r0), s1 = r1.fma(g1, r1);
            FloatVector sc0 = sr0.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sc1 = sr1.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            IntVector m0 = x0.reinterpretAsInts().lanewise(VectorOperators.ASHR, 31), m1 = x1.reinterpretAsInts().lanewise(VectorOperators.ASHR, 31);
            FloatVector p0 = ONE.reinterpretAsInts().lanewise(VectorOperators.BITWISE_BLEND, s0.fma(sc0, sc0).reinterpretAsInts(), m0).reinterpretAsFloats();
            FloatVector p1 = ONE.reinterpretAsInts().lanewise(VectorOperators.BITWISE_BLEND, s1.fma(sc1, sc1).reinterpretAsInts(), m1).reinterpretAsFloats();
            p0.div(sc0.fma(s0, ONE.add(sc0))).intoArray(ya, i);
            p1.div(sc1.fma(s1, ONE.add(sc1))).intoArray(ya, i + LF);
        }
    }

    /**
     * x sigmoid(2u), u = sqrt(2 / pi) (x + 0.044715 x^3), as the exact GELU's forward: x - |x| q for x >= 0 and
     * -|x| q for x < 0 (one FMA, the addend x * 0 there), q = e / (1 + e), e = exp(-2|u|) = 2^n (1 + s) (0 for
     * |x| >= 12, where |x| is clamped). The error of u grows e's by a factor 2|u|, but only where q's own weight
     * in the result is small. Within 1.2 ulp, or 1e-7 absolute, of the staging path.
     */
    static void geluTanh(float[] xa, float[] ya, int from, int end) {
        for (int i = from; i < end; i += 2 * LF) {
            FloatVector x0 = FloatVector.fromArray(SF, xa, i), x1 = FloatVector.fromArray(SF, xa, i + LF);
            IntVector xb0 = x0.reinterpretAsInts(), xb1 = x1.reinterpretAsInts();
            FloatVector t0 = xb0.lanewise(VectorOperators.AND_NOT, SIGN).min(TWELVE).reinterpretAsFloats();
            FloatVector t1 = xb1.lanewise(VectorOperators.AND_NOT, SIGN).min(TWELVE).reinterpretAsFloats();
            FloatVector a0 = t0.mul(M_TWO_S).mul(t0.mul(t0).fma(GELU_C, ONE)), a1 = t1.mul(M_TWO_S).mul(t1.mul(t1).fma(GELU_C, ONE));
            FloatVector sr0 = a0.fma(LOG2EF, ROUND127), sr1 = a1.fma(LOG2EF, ROUND127);
            FloatVector n0 = sr0.sub(ROUND127), n1 = sr1.sub(ROUND127);
            FloatVector r0 = n0.fma(M_LN2F_LO, n0.fma(M_LN2F_HI, a0)), r1 = n1.fma(M_LN2F_LO, n1.fma(M_LN2F_HI, a1));
            FloatVector g0 = E6.fma(r0, E5).fma(r0, E4).fma(r0, E3).fma(r0, E2).mul(r0);
            FloatVector g1 = E6.fma(r1, E5).fma(r1, E4).fma(r1, E3).fma(r1, E2).mul(r1);
            FloatVector s0 = r0.fma(g0, r0), s1 = r1.fma(g1, r1);
            FloatVector sc0 = sr0.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector sc1 = sr1.reinterpretAsInts().sub(ROUNDF_BITS).max(IZERO).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector q0 = s0.fma(sc0, sc0).div(sc0.fma(s0, ONE.add(sc0))), q1 = s1.fma(sc1, sc1).div(sc1.fma(s1, ONE.add(sc1)));
            IntVector m0 = xb0.lanewise(VectorOperators.ASHR, 31), m1 = xb1.lanewise(VectorOperators.ASHR, 31);
            FloatVector xp0 = xb0.lanewise(VectorOperators.BITWISE_BLEND, x0.mul(ZERO).reinterpretAsInts(), m0).reinterpretAsFloats();
            FloatVector xp1 = xb1.lanewise(VectorOperators.BITWISE_BLEND, x1.mul(ZERO).reinterpretAsInts(), m1).reinterpretAsFloats();
            t0.neg().fma(q0, xp0).intoArray(ya, i);
            t1.neg().fma(q1, xp1).intoArray(ya, i + LF);
        }
    }

    private static FloatVector fv(float c) {
        return FloatVector.broadcast(SF, c);
    }

    private static IntVector iv(int c) {
        return IntVector.broadcast(SI, c);
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

    /** 1 - tanh^2 v = 4e / (1 + e)^2 with e = exp(-2|v|). */
    private static void tanhGrad(double[] e, double[] dy, double[] dx, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector ek = DoubleVector.fromArray(SD, e, k), d = ek.add(1.0);
            store(ek.mul(4.0).div(d.mul(d)).mul(load(dy, k)), dx, k);
        }
    }

    /** s (1 - s) = e / (1 + e)^2 with e = exp(-|v|). */
    private static void sigmoidGrad(double[] e, double[] dy, double[] dx, int n) {
        for (int k = 0; k < n; k += L) {
            DoubleVector ek = DoubleVector.fromArray(SD, e, k), d = ek.add(1.0);
            store(ek.div(d.mul(d)).mul(load(dy, k)), dx, k);
        }
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

    /**
     * dx = x > 0 ? dy : +0.0, the scalar twin's {@code select(positive(x), dy, 0f)} bit for bit (false for NaN
     * and -0.0 alike).
     */
    private static void reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        int i = from;
        for (int end = from + SF.loopBound(to - from); i < end; i += LF) {
            FloatVector v = FloatVector.fromArray(SF, x, i);
            ZERO.blend(FloatVector.fromArray(SF, dy, i), v.compare(VectorOperators.GT, ZERO)).intoArray(dx, i);
        }
        CpuUnaryF.backward(UnaryOp.RELU, x, dy, dx, i, to, 0, 0);
    }
}

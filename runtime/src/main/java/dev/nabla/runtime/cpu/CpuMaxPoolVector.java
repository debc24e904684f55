package dev.nabla.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link CpuMaxPool#window2x2} for float32 on the {@code jdk.incubator.vector} API: L windows of an output row
 * at a time, from two loads of each of the window's two input rows split into even and odd columns. Every lane
 * makes the scalar loop's choices (the same comparisons in the same order, {@code Math.max} as the running
 * maximum) and takes the winner's value by blends, so values and indices are bit for bit the scalar ones.
 *
 * <p>The scalar loop spent a fifth of the CNN's training epoch here. The indices are built as int bits held in
 * float lanes (a blend moves bits unchanged) and added in the ints that reinterpret them: no conversion, and no
 * second vector shape. Like {@link CpuGemmVectorF}, only loaded when {@link CpuGemm#VECTOR} is set.
 *
 * <p>An output row shorter than L (a 14 x 14 plane's 7 windows on 512-bit vectors) is computed as one vector
 * whose lanes past the row compute windows of no interest and store them over the next outputs, which later rows
 * overwrite: only when those outputs are still this call's to write (before {@code to}'s plane ends) and the loads
 * stay in the array. A longer row ends with a vector shifted back to end at the row's end (recomputing a few
 * windows to the same values). Rows where neither applies run the scalar loop.
 */
final class CpuMaxPoolVector {
    private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    /** Windows per vector. */
    static final int L = SF.length();
    private static final int H = L / 2;
    /** Lane k < L/2 takes lane 2k (EVEN_LO) or 2k + 1 (ODD_LO); lane k >= L/2 takes lane 2(k - L/2) (+1) (the _HI ones). */
    private static final VectorShuffle<Float> EVEN_LO = pick(0, 0), ODD_LO = pick(1, 0), EVEN_HI = pick(0, H), ODD_HI = pick(1, H);
    private static final VectorMask<Float> UPPER = SF.indexInRange(-H, H);
    /** Int bits 0, 1: the window offset of its second pixel is 1 (w and w + 1 for the second row are per call). */
    private static final FloatVector ZERO = FloatVector.zero(SF), ONE = FloatVector.broadcast(SF, Float.intBitsToFloat(1));
    /** The ints of SF's shape, which reinterpret its lanes. */
    private static final VectorSpecies<Integer> SI = ZERO.reinterpretAsInts().species();
    /** Lane k: 2k, the first column of window k relative to the vector's first one. */
    private static final IntVector IOTA2 = IntVector.fromArray(SI, iota2(), 0), ZI = IntVector.zero(SI);
    /** Lane k takes lane k / 2 (SPREAD_LO) or L/2 + k / 2 (SPREAD_HI): with a blend on the odd lanes, an interleave. */
    private static final VectorShuffle<Integer> SPREAD_LO = VectorShuffle.fromOp(SI, k -> k / 2), SPREAD_HI = VectorShuffle.fromOp(SI, k -> H + k / 2);
    private static final VectorMask<Integer> ODD = VectorMask.fromLong(SI, 0xAAAAAAAAAAAAAAAAL);

    private CpuMaxPoolVector() {}

    private static VectorShuffle<Float> pick(int parity, int from) {
        int[] idx = new int[L];
        for (int k = from; k < from + H; k++) idx[k] = 2 * (k - from) + parity;
        return VectorShuffle.fromArray(SF, idx, 0);
    }

    private static int[] iota2() {
        int[] v = new int[L];
        for (int k = 0; k < L; k++) v[k] = 2 * k;
        return v;
    }

    /** As {@link CpuMaxPool#window2x2}: planes [from, to) of [h, w] planes; odd h or w leave the last row or column out. */
    static void window2x2(float[] x, float[] y, int[] idx, int h, int w, int from, int to) {
        int oh = h / 2, ow = w / 2, hw = h * w, ohw = oh * ow, end = to * ohw;
        FloatVector kw = FloatVector.broadcast(SF, Float.intBitsToFloat(w)), kw1 = FloatVector.broadcast(SF, Float.intBitsToFloat(w + 1));
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw;
            for (int oy = 0; oy < oh; oy++) {
                int rel = 2 * oy * w, r0 = in + rel, o = pl * ohw + oy * ow;
                int ox = 0;
                for (; ox + L <= ow; ox += L) windows(x, r0, w, rel, ox, kw, kw1, y, idx, o);
                if (ox == ow) continue;
                if (ow >= L) {
                    windows(x, r0, w, rel, ow - L, kw, kw1, y, idx, o);
                } else if (o + L <= end && r0 + w + 2 * L <= x.length) {
                    windows(x, r0, w, rel, 0, kw, kw1, y, idx, o);
                } else {
                    CpuMaxPool.row2x2(x, y, idx, w, in, rel, o, ow);
                }
            }
        }
    }

    /**
     * Windows ox .. ox + L of the output row at y[o], idx[o] whose input rows start at x[r0] and x[r0 + w] (rel:
     * r0's offset inside its plane). Kept small, with every vector in it, so that C2 inlines all its vector calls.
     */
    private static void windows(float[] x, int r0, int w, int rel, int ox, FloatVector kw, FloatVector kw1,
                                float[] y, int[] idx, int o) {
        int c = r0 + 2 * ox, r1 = c + w;
        FloatVector u0 = FloatVector.fromArray(SF, x, c), u1 = FloatVector.fromArray(SF, x, c + L);
        FloatVector v0 = FloatVector.fromArray(SF, x, r1), v1 = FloatVector.fromArray(SF, x, r1 + L);
        FloatVector a = u0.rearrange(EVEN_LO).blend(u1.rearrange(EVEN_HI), UPPER);
        FloatVector b = u0.rearrange(ODD_LO).blend(u1.rearrange(ODD_HI), UPPER);
        FloatVector p = v0.rearrange(EVEN_LO).blend(v1.rearrange(EVEN_HI), UPPER);
        FloatVector q = v0.rearrange(ODD_LO).blend(v1.rearrange(ODD_HI), UPPER);
        // k = (b > a | b != b) ? 1 : 0; m = max(a, b); then p (offset w) and q (w + 1) against m, as the scalar loop.
        VectorMask<Float> s = b.compare(VectorOperators.GT, a).or(b.compare(VectorOperators.NE, b));
        FloatVector k = ZERO.blend(ONE, s), v = a.blend(b, s), m = a.max(b);
        s = p.compare(VectorOperators.GT, m).or(p.compare(VectorOperators.NE, p));
        k = k.blend(kw, s);
        v = v.blend(p, s);
        m = m.max(p);
        s = q.compare(VectorOperators.GT, m).or(q.compare(VectorOperators.NE, q));
        k = k.blend(kw1, s);
        v = v.blend(q, s);
        v.intoArray(y, o + ox);
        k.reinterpretAsInts().add(IOTA2).add(rel + 2 * ox).intoArray(idx, o + ox);
    }

    /**
     * The gradient of {@link #window2x2} for planes [from, to) of even h and w, written whole (no zeroed buffer and
     * scatter): each window's four pixels get {@code 0f + dy} at its argmax and +0.0 elsewhere, the bits that
     * adding dy into a zeroed dx gives. Returns false, having written nothing that matters, when a plane's argmax
     * points outside its window (only an argmax not from the forward can): the caller then zeroes and scatters
     * that range as before. Rows shorter than L spill, as in the forward, over pixels that later rows rewrite.
     */
    static boolean backward2x2(float[] dy, int[] am, float[] dx, int h, int w, int from, int to) {
        int oh = h / 2, ow = w / 2, hw = h * w, ohw = oh * ow, end = to * hw;
        IntVector kw = IntVector.broadcast(SI, w), kw1 = IntVector.broadcast(SI, w + 1);
        for (int pl = from; pl < to; pl++) {
            int in = pl * hw;
            for (int oy = 0; oy < oh; oy++) {
                int rel = 2 * oy * w, r0 = in + rel, o = pl * ohw + oy * ow;
                int ox = 0;
                boolean ok = true;
                for (; ox + L <= ow; ox += L) ok &= grads(dy, am, w, rel, ox, L, kw, kw1, dx, r0, o);
                if (ox < ow) {
                    if (ow >= L) ok &= grads(dy, am, w, rel, ow - L, L, kw, kw1, dx, r0, o);
                    else if (r0 + w + 2 * L <= end && o + L <= am.length) ok &= grads(dy, am, w, rel, 0, ow, kw, kw1, dx, r0, o);
                    else ok &= CpuPool.gradRow2x2(dy, am, dx, w, in, rel, o, ow);
                }
                if (!ok) return false;
            }
        }
        return true;
    }

    /**
     * Windows ox .. ox + L of one output row: dy and argmax from [o + ox], the window rows' pixels from dx[r0 + 2 ox]
     * and dx[r0 + w + 2 ox], 2L each. Whether the first {@code real} lanes' argmaxes all lie in their windows.
     */
    private static boolean grads(float[] dy, int[] am, int w, int rel, int ox, int real, IntVector kw, IntVector kw1,
                                 float[] dx, int r0, int o) {
        IntVector g = FloatVector.fromArray(SF, dy, o + ox).add(0f).reinterpretAsInts();
        IntVector k = IntVector.fromArray(SI, am, o + ox).sub(IOTA2).sub(rel + 2 * ox);
        VectorMask<Integer> m0 = k.eq(ZI), m1 = k.eq(1), m2 = k.eq(kw), m3 = k.eq(kw1);
        boolean inside = m0.or(m1).or(m2).or(m3).or(SI.indexInRange(0, real).not()).allTrue();
        IntVector e0 = ZI.blend(g, m0), e1 = ZI.blend(g, m1), e2 = ZI.blend(g, m2), e3 = ZI.blend(g, m3);
        int c = r0 + 2 * ox;
        e0.rearrange(SPREAD_LO).blend(e1.rearrange(SPREAD_LO), ODD).reinterpretAsFloats().intoArray(dx, c);
        e0.rearrange(SPREAD_HI).blend(e1.rearrange(SPREAD_HI), ODD).reinterpretAsFloats().intoArray(dx, c + L);
        e2.rearrange(SPREAD_LO).blend(e3.rearrange(SPREAD_LO), ODD).reinterpretAsFloats().intoArray(dx, c + w);
        e2.rearrange(SPREAD_HI).blend(e3.rearrange(SPREAD_HI), ODD).reinterpretAsFloats().intoArray(dx, c + w + L);
        return inside;
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.backend.Conv2dSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 implicit-GEMM conv ({@link CpuConvImplicit}) against plain double loops, its vector tiles against
 * their scalar twins (bit for bit where they compute the same chains), and its two weight-gradient variants
 * against each other.
 */
class CpuConvImplicitTest {
    /**
     * n, cIn, h, w, cOut, kh, kw, stride, pad, dilation, groups: the CNN's two layers (smaller batch), channel
     * counts that fill no tile, planes narrower than a vector or not a multiple of it, 1x1 and 5x3 kernels,
     * dilation, padding wider than "same" and none, fewer images than threads.
     */
    static Stream<Conv2dSpec> specs() {
        return Stream.of(
                new Conv2dSpec(3, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(5, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(3, 5, 7, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(2, 3, 5, 4, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(2, 4, 6, 7, 40, 1, 1, 1, 1, 0, 0, 1, 1, 1),
                new Conv2dSpec(3, 6, 9, 8, 17, 5, 3, 1, 1, 2, 1, 1, 1, 1),
                new Conv2dSpec(2, 3, 10, 9, 8, 3, 3, 1, 1, 2, 2, 2, 2, 1),
                new Conv2dSpec(2, 2, 6, 6, 5, 3, 3, 1, 1, 3, 2, 1, 1, 1),
                new Conv2dSpec(2, 7, 12, 11, 6, 3, 2, 1, 1, 0, 0, 1, 1, 1),
                new Conv2dSpec(1, 2, 16, 16, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(9, 3, 4, 8, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void passesMatchDoubleLoops(Conv2dSpec s) {
        Data d = new Data(s, 11);
        Ref ref = Ref.of(s, d);
        CpuConv conv = new CpuConv();
        assertTrue(CpuConvImplicit.appliesForward(s), "takes the implicit path");
        // Padding past dil * (k - 1) has no transposed conv: that input gradient stays on im2col.
        assertEquals(s.padH() <= s.dilationH() * (s.kh() - 1) && s.padW() <= s.dilationW() * (s.kw() - 1),
                CpuConvImplicit.appliesInput(s), "input gradient takes the implicit path");
        assertClose(ref.y, ref.yAbs, ((CpuBuffer) conv.conv2d(d.x, d.w, d.b, s)).f, "forward");
        assertClose(ref.dx, ref.dxAbs, ((CpuBuffer) conv.conv2dBackwardInput(d.dy, d.w, s)).f, "backward input");
        assertClose(ref.dw, ref.dwAbs, ((CpuBuffer) conv.conv2dBackwardWeight(d.x, d.dy, s)).f, "backward weight");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void vectorTilesMatchTheirScalarTwinsBitForBit(Conv2dSpec s) {
        Data d = new Data(s, 12);
        int n = s.n(), p = s.outH() * s.outW();
        float[] scalar = new float[n * s.cOut() * p], dxScalar = new float[n * s.cIn() * s.h() * s.w()];
        CpuConvImplicit.run(d.x.f, d.w.f, d.b.f, scalar, 0, n, s.cOut(), CpuConvImplicit.Sources.forward(s), false);
        boolean input = CpuConvImplicit.appliesInput(s);
        if (input) CpuConvImplicit.run(d.dy.f, CpuConvImplicit.flipped(d.w.f, s), null, dxScalar, 0, n, s.cIn(), CpuConvImplicit.Sources.input(s), false);
        float[] dwScalar = new float[d.w.f.length];
        CpuConvImplicit.weightRows(d.x.f, d.dy.f, dwScalar, n, s.cOut(), CpuConvImplicit.Sources.forward(s), false);
        if (!CpuGemm.VECTOR) return;
        float[] vector = new float[scalar.length], dxVector = new float[dxScalar.length], dwVector = new float[dwScalar.length];
        CpuConvImplicit.run(d.x.f, d.w.f, d.b.f, vector, 0, n, s.cOut(), CpuConvImplicit.Sources.forward(s), true);
        if (input) CpuConvImplicit.run(d.dy.f, CpuConvImplicit.flipped(d.w.f, s), null, dxVector, 0, n, s.cIn(), CpuConvImplicit.Sources.input(s), true);
        CpuConvImplicit.weightRows(d.x.f, d.dy.f, dwVector, n, s.cOut(), CpuConvImplicit.Sources.forward(s), true);
        assertBits(scalar, vector, "forward");
        assertBits(dxScalar, dxVector, "backward input");
        assertBits(dwScalar, dwVector, "backward weight (rows)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void laneWiseWeightGradientMatchesTheRowsOneAndRepeats(Conv2dSpec s) {
        int p = s.outH() * s.outW();
        if (!CpuGemm.VECTOR || p % CpuConvImplicitVector.L != 0) return;
        Data d = new Data(s, 13);
        Ref ref = Ref.of(s, d);
        float[] lanes = new float[d.w.f.length], again = new float[lanes.length];
        CpuConvImplicit.weightLanes(d.x.f, d.dy.f, lanes, null, s.n(), s.cOut(), CpuConvImplicit.Sources.forward(s));
        CpuConvImplicit.weightLanes(d.x.f, d.dy.f, again, null, s.n(), s.cOut(), CpuConvImplicit.Sources.forward(s));
        assertClose(ref.dw, ref.dwAbs, lanes, "lanes");
        assertBits(lanes, again, "repeatable bits");
    }

    /**
     * The lanes pass summing dy for the bias on the way (the backend's fused weight-and-bias gradient): the same dw
     * bits as without, and db the sum of each channel's dy over images and pixels (double loop, float tolerance).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void laneWiseWeightGradientSumsTheBiasGradientOnTheWay(Conv2dSpec s) {
        int p = s.outH() * s.outW();
        if (!CpuGemm.VECTOR || !CpuReduceVector.USABLE || p % CpuConvImplicitVector.L != 0) return;
        Data d = new Data(s, 14);
        float[] plain = new float[d.w.f.length], fused = new float[plain.length], db = new float[s.cOut()];
        java.util.Arrays.fill(db, Float.NaN);
        CpuConvImplicit.weightLanes(d.x.f, d.dy.f, plain, null, s.n(), s.cOut(), CpuConvImplicit.Sources.forward(s));
        CpuConvImplicit.weightLanes(d.x.f, d.dy.f, fused, db, s.n(), s.cOut(), CpuConvImplicit.Sources.forward(s));
        assertBits(plain, fused, "dw with and without the bias sum");
        for (int co = 0; co < s.cOut(); co++) {
            double want = 0, abs = 0;
            for (int img = 0; img < s.n(); img++) {
                for (int q = 0; q < p; q++) {
                    double v = d.dy.f[(img * s.cOut() + co) * p + q];
                    want += v;
                    abs += Math.abs(v);
                }
            }
            assertEquals(want, db[co], 1e-6 * abs + 1e-7, "db[" + co + "]");
        }
    }

    @Test
    void theCnnLayersTakeTheirVariants() {
        Conv2dSpec conv1 = new Conv2dSpec(128, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Conv2dSpec conv2 = new Conv2dSpec(128, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(CpuGemm.VECTOR, CpuConvImplicit.lanesWeight(conv1), "conv1 sums lane-wise when vectorised");
        assertFalse(CpuConvImplicit.lanesWeight(conv2), "conv2's reduction is long");
        assertTrue(CpuConvImplicit.appliesForward(conv2) && CpuConvImplicit.appliesInput(conv2));
        assertFalse(CpuConvImplicit.appliesForward(new Conv2dSpec(2, 3, 8, 8, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1)), "strided");
        assertFalse(CpuConvImplicit.appliesForward(new Conv2dSpec(2, 4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2)), "grouped");
        assertFalse(CpuConvImplicit.appliesInput(new Conv2dSpec(2, 3, 8, 8, 4, 3, 3, 1, 1, 3, 3, 1, 1, 1)),
                "padding past the kernel has no transposed conv");
    }

    @Test
    void weightGradientBitsRepeat() {
        Conv2dSpec s = new Conv2dSpec(9, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Data d = new Data(s, 14);
        CpuConv conv = new CpuConv();
        float[] a = ((CpuBuffer) conv.conv2dBackwardWeight(d.x, d.dy, s)).f;
        float[] b = ((CpuBuffer) conv.conv2dBackwardWeight(d.x, d.dy, s)).f;
        assertBits(a, b, "repeatable bits");
    }

    @Test
    void nonFiniteInputsGiveTheIm2colPathsNonFiniteOutputs() {
        Conv2dSpec s = new Conv2dSpec(3, 4, 9, 10, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Data d = new Data(s, 15);
        d.x.f[5] = Float.POSITIVE_INFINITY;
        d.x.f[9 * 10 + 9] = Float.NaN;                 // last column of channel 1, image 0
        d.x.f[2 * 4 * 90 + 3 * 90 + 80] = Float.NEGATIVE_INFINITY; // first column, last row
        d.dy.f[17] = Float.POSITIVE_INFINITY;
        d.w.f[4] = Float.NaN;
        CpuConv conv = new CpuConv();
        CpuConv.Plan plan = CpuConv.Plan.of(s);
        assertSameNonFinite(CpuConv.forward(d.x, d.w, d.b, s, plan).f, ((CpuBuffer) conv.conv2d(d.x, d.w, d.b, s)).f, "forward");
        assertSameNonFinite(CpuConv.backwardInput(d.dy, d.w, s, plan).f, ((CpuBuffer) conv.conv2dBackwardInput(d.dy, d.w, s)).f, "input");
        assertSameNonFinite(CpuConv.backwardWeight(d.x, d.dy, s, plan).f, ((CpuBuffer) conv.conv2dBackwardWeight(d.x, d.dy, s)).f, "weight");
    }

    // ---------------------------------------------------------------- helpers

    /** Random float32 inputs of a spec. */
    static final class Data {
        final CpuBuffer x, w, b, dy;

        Data(Conv2dSpec s, long seed) {
            Random r = new Random(seed);
            x = rand(r, s.n() * s.cIn() * s.h() * s.w());
            w = rand(r, s.cOut() * s.cIn() / s.groups() * s.kh() * s.kw());
            b = rand(r, s.cOut());
            dy = rand(r, s.n() * s.cOut() * s.outH() * s.outW());
        }

        private static CpuBuffer rand(Random r, int n) {
            CpuBuffer b = CpuBuffer.allocate(DType.FLOAT32, n);
            for (int i = 0; i < n; i++) b.f[i] = (float) r.nextGaussian();
            return b;
        }
    }

    /** The three passes in plain double loops, with the sum of absolute terms per output (for tolerances). */
    record Ref(double[] y, double[] dx, double[] dw, double[] yAbs, double[] dxAbs, double[] dwAbs) {
        static Ref of(Conv2dSpec s, Data d) {
            int oh = s.outH(), ow = s.outW(), k = s.cIn() * s.kh() * s.kw();
            double[] y = new double[d.dy.f.length], dx = new double[d.x.f.length], dw = new double[d.w.f.length];
            double[] ya = new double[y.length], dxa = new double[dx.length], dwa = new double[dw.length];
            for (int img = 0; img < s.n(); img++) {
                for (int co = 0; co < s.cOut(); co++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int yi = ((img * s.cOut() + co) * oh + oy) * ow + ox;
                            double acc = d.b.f[co], abs = Math.abs(acc);
                            for (int c = 0; c < s.cIn(); c++) {
                                for (int ki = 0; ki < s.kh(); ki++) {
                                    for (int kj = 0; kj < s.kw(); kj++) {
                                        int iy = oy - s.padH() + ki * s.dilationH(), ix = ox - s.padW() + kj * s.dilationW();
                                        if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                                        int xi = ((img * s.cIn() + c) * s.h() + iy) * s.w() + ix;
                                        int wi = co * k + (c * s.kh() + ki) * s.kw() + kj;
                                        double wv = d.w.f[wi], xv = d.x.f[xi], g = d.dy.f[yi];
                                        acc += wv * xv;
                                        abs += Math.abs(wv * xv);
                                        dx[xi] += wv * g;
                                        dxa[xi] += Math.abs(wv * g);
                                        dw[wi] += xv * g;
                                        dwa[wi] += Math.abs(xv * g);
                                    }
                                }
                            }
                            y[yi] = acc;
                            ya[yi] = abs;
                        }
                    }
                }
            }
            return new Ref(y, dx, dw, ya, dxa, dwa);
        }
    }

    /** Within float32 rounding of the terms: 1e-5 of the sum of their magnitudes. */
    private static void assertClose(double[] want, double[] abs, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5 * abs[i] + 1e-6, what + " at " + i);
    }

    private static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " bits at " + i);
        }
    }

    private static void assertSameNonFinite(float[] want, float[] got, String what) {
        int nonFinite = 0;
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.isNaN(want[i]), Float.isNaN(got[i]), what + " NaN at " + i + ": " + want[i] + " vs " + got[i]);
            if (!Float.isNaN(want[i])) {
                assertEquals(Float.isInfinite(want[i]), Float.isInfinite(got[i]), what + " Inf at " + i);
                if (Float.isInfinite(want[i])) assertEquals(want[i], got[i], what + " Inf sign at " + i);
            }
            if (!Float.isFinite(want[i])) nonFinite++;
        }
        assertTrue(nonFinite > 0, what + ": the case has non-finite outputs");
    }
}

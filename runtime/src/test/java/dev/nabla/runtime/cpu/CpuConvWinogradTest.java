package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.Conv2dSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 Winograd F(2x2, 3x3) conv ({@link CpuConvWinograd}) against plain double loops, its vector transforms
 * against their scalar twins bit for bit, and its fallback to the direct conv for non-finite inputs.
 */
class CpuConvWinogradTest {
    /**
     * n, cIn, h, w, cOut, 3, 3, 1, 1, pad, 1, 1: the CNN's second layer (a batch that is no multiple of the chunk),
     * odd output sizes (half tiles), no padding and padding 2, rows of more than one vector of tiles (ending on an
     * odd column), channel counts at the limits, tile rows that fit two vectors but not one, narrow planes.
     */
    static Stream<Conv2dSpec> specs() {
        return Stream.of(
                new Conv2dSpec(5, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(2, 16, 11, 13, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(3, 16, 16, 16, 16, 3, 3, 1, 1, 0, 0, 1, 1, 1),
                new Conv2dSpec(2, 17, 10, 10, 8, 3, 3, 1, 1, 2, 2, 1, 1, 1),
                new Conv2dSpec(2, 20, 9, 40, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(6, 16, 7, 37, 24, 3, 3, 1, 1, 1, 0, 1, 1, 1),
                new Conv2dSpec(1, 24, 30, 9, 16, 3, 3, 1, 1, 1, 2, 1, 1, 1),
                // tile rows of 10 (plus one): two 16-float vectors' split on AVX-512, element by element on AVX2
                // (where the 14 x 14 planes above take the two-vector split)
                new Conv2dSpec(2, 16, 20, 20, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                // narrow planes, whose output transform takes two tile rows a vector (2 tw <= 16): rows of 3 and
                // 7 outputs, so each row's vector store spills over several rows after it
                new Conv2dSpec(2, 16, 32, 3, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(3, 16, 20, 7, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1));
    }

    /**
     * U = G g G^T of every (co, c) pair, against the matrix product written out in double (G's halves are exact, so
     * the sums are the same ones): bit for bit, at the 8-channel tile layout, for a block count that splits across
     * threads and one that does not.
     */
    @Test
    void weightTransformIsGgGtInDoubleRoundedOnce() {
        double[][] g = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
        for (int[] dims : new int[][]{{64, 32}, {8, 3}}) {
            int cOut = dims[0], c = dims[1];
            java.util.Random r = new java.util.Random(cOut + c);
            float[] w = new float[cOut * c * 9];
            for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
            float[] u = CpuConvWinograd.transformWeights(w, cOut, c);
            for (int co = 0; co < cOut; co++) {
                for (int ci = 0; ci < c; ci++) {
                    for (int xi = 0; xi < 4; xi++) {
                        for (int nu = 0; nu < 4; nu++) {
                            double v = 0;
                            for (int k = 0; k < 3; k++) {
                                double row = 0; // (G g)[xi][k]
                                for (int i = 0; i < 3; i++) {
                                    if (g[xi][i] != 0) row += g[xi][i] * w[((co * c + ci) * 3 + i) * 3 + k];
                                }
                                if (g[nu][k] != 0) v += row * g[nu][k];
                            }
                            int at = ((xi * 4 + nu) * cOut + co / 8 * 8) * c + ci * 8 + co % 8;
                            assertEquals((float) v, u[at], "U[" + xi + ", " + nu + "] of (" + co + ", " + ci + ")");
                        }
                    }
                }
            }
        }
    }

    /**
     * The weight gradient's channels-last copy of an image by 16 x 16 transposes against the element-by-element
     * copy: the CNN's second layer, a plane that is no multiple of 16 pixels (the last block overlaps), padding 0
     * and 2, 64 channels. A scratch full of NaN first: every element of xp, padding included, is written.
     */
    @Test
    void transposedChannelsLastCopyIsTheElementCopy() {
        if (!CpuGemm.VECTOR) return;
        for (int[] d : new int[][]{{32, 14, 14, 1}, {16, 5, 7, 0}, {64, 9, 11, 2}, {48, 4, 4, 1}}) {
            CpuConvWinograd.Geo g = CpuConvWinograd.Geo.of(d[0], d[1], d[2], d[3], d[3]);
            int wp = 2 * g.tw() + 2, size = g.hp() * wp * g.c();
            int[] dst = CpuConvWinogradWeight.transposeTargets(g, wp);
            if (CpuConvWinogradVector.L != 16) {
                assertEquals(null, dst, "the transposes need 16 lanes");
                continue;
            }
            assertTrue(dst != null, "transposes apply to " + java.util.Arrays.toString(d));
            java.util.Random r = new java.util.Random(d[0] + d[1]);
            float[] x = new float[3 * d[0] * d[1] * d[2]];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            float[] want = new float[size], got = new float[size];
            java.util.Arrays.fill(want, Float.NaN);
            java.util.Arrays.fill(got, Float.NaN);
            int xOff = 2 * d[0] * d[1] * d[2];
            CpuConvWinogradWeight.channelsLast(x, xOff, g, wp, want, null);
            CpuConvWinogradWeight.channelsLast(x, xOff, g, wp, got, dst);
            org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, java.util.Arrays.toString(d));
            for (float v : got) assertFalse(Float.isNaN(v), "every element written");
        }
    }

    /**
     * The weight gradient's G^T M G against the matrix loop (G^T of F(3, 2), zeros included), bit for bit: random M,
     * M with signed zeros (the loop's sums start from +0), and a non-finite M, which both report.
     */
    @Test
    void weightGradientOutputTransformIsTheMatrixLoop() {
        double[][] gt = {{1, 0.5, 0.5, 0}, {0, 0.5, -0.5, 0}, {0, 0.5, 0.5, 1}};
        java.util.Random r = new java.util.Random(5);
        for (int trial = 0; trial < 400; trial++) {
            double[] m = new double[16];
            for (int e = 0; e < 16; e++) {
                m[e] = switch (trial % 5) {
                    case 0 -> r.nextGaussian();
                    case 1 -> r.nextBoolean() ? -0.0 : 0.0;
                    case 4 -> -0.0;
                    case 2 -> r.nextInt(3) - 1.0; // cancellations to exact zeros
                    default -> r.nextInt(40) == 0 ? Double.POSITIVE_INFINITY : r.nextGaussian() * 1e30;
                };
            }
            float[] want = new float[9], got = new float[9];
            boolean finite = true;
            for (int k = 0; k < 3; k++) {
                for (int l = 0; l < 3; l++) {
                    double v = 0;
                    for (int xi = 0; xi < 4; xi++) {
                        double row = 0;
                        for (int nu = 0; nu < 4; nu++) row += m[xi * 4 + nu] * gt[l][nu];
                        v += gt[k][xi] * row;
                    }
                    want[k * 3 + l] = (float) v;
                    finite &= Double.isFinite(v);
                }
            }
            boolean gotFinite = CpuConvWinogradWeight.outputTransform(m, got, 0);
            assertEquals(finite, gotFinite, "trial " + trial + ": finite");
            if (finite) {
                for (int i = 0; i < 9; i++) {
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]), "trial " + trial + ", dw[" + i + "]");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void forwardAndInputGradientMatchDoubleLoops(Conv2dSpec s) {
        if (!CpuGemm.VECTOR) return;
        assertTrue(CpuConvWinograd.appliesForward(s), "forward takes Winograd");
        CpuConvImplicitTest.Data d = new CpuConvImplicitTest.Data(s, 21);
        CpuConvImplicitTest.Ref ref = CpuConvImplicitTest.Ref.of(s, d);
        float[] y = new float[ref.y().length];
        CpuConvWinograd.forward(d.x.f, d.w.f, d.b.f, y, s);
        assertClose(ref.y(), ref.yAbs(), y, "forward");
        if (CpuConvWinograd.appliesInput(s)) {
            float[] dx = new float[ref.dx().length];
            CpuConvWinograd.backwardInput(d.dy.f, d.w.f, dx, s);
            assertClose(ref.dx(), ref.dxAbs(), dx, "backward input");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void vectorTransformsMatchTheirScalarTwinsBitForBit(Conv2dSpec s) {
        if (!CpuGemm.VECTOR) return;
        CpuConvImplicitTest.Data d = new CpuConvImplicitTest.Data(s, 22);
        int ySize = s.n() * s.cOut() * s.outH() * s.outW();
        float[] vector = new float[ySize], scalar = new float[ySize], again = new float[ySize];
        CpuConvWinograd.Geo g = CpuConvWinograd.Geo.forward(s);
        CpuConvImplicit.Sources direct = CpuConvImplicit.Sources.forward(s);
        CpuConvWinograd.run(d.x.f, d.w.f, d.b.f, vector, s.n(), s.cOut(), g, direct, true);
        CpuConvWinograd.run(d.x.f, d.w.f, d.b.f, scalar, s.n(), s.cOut(), g, direct, false);
        CpuConvWinograd.run(d.x.f, d.w.f, d.b.f, again, s.n(), s.cOut(), g, direct, true);
        assertBits(scalar, vector, "forward");
        assertBits(vector, again, "repeatable bits");
    }

    /** Weight-gradient specs: input channels in whole blocks of two vectors; 40 images make a partial group. */
    static Stream<Conv2dSpec> weightSpecs() {
        int c = 2 * CpuConvImplicit.lanes();
        return Stream.of(
                new Conv2dSpec(5, c, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(2, c, 11, 13, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(3, 2 * c, 9, 40, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(2, c, 16, 15, 8, 3, 3, 1, 1, 0, 2, 1, 1, 1),
                new Conv2dSpec(40, c, 12, 12, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weightSpecs")
    void weightGradientMatchesDoubleLoopsAndItsScalarTwin(Conv2dSpec s) {
        if (!CpuGemm.VECTOR) return;
        assertTrue(CpuConvWinogradWeight.applies(s), "weight gradient takes Winograd");
        CpuConvImplicitTest.Data d = new CpuConvImplicitTest.Data(s, 24);
        CpuConvImplicitTest.Ref ref = CpuConvImplicitTest.Ref.of(s, d);
        float[] vector = new float[ref.dw().length], scalar = new float[vector.length], again = new float[vector.length];
        CpuConvWinogradWeight.weight(d.x.f, d.dy.f, vector, s, true);
        CpuConvWinogradWeight.weight(d.x.f, d.dy.f, scalar, s, false);
        CpuConvWinogradWeight.weight(d.x.f, d.dy.f, again, s, true);
        assertClose(ref.dw(), ref.dwAbs(), vector, "backward weight");
        assertBits(scalar, vector, "scalar twin");
        assertBits(vector, again, "repeatable bits");
    }

    @Test
    void nonFiniteInputsGiveTheWeightGradientOfTheDirectConv() {
        if (!CpuGemm.VECTOR) return;
        Conv2dSpec s = new Conv2dSpec(3, 2 * CpuConvImplicit.lanes(), 12, 12, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        CpuConvImplicitTest.Data d = new CpuConvImplicitTest.Data(s, 25);
        d.x.f[144 + 11] = Float.POSITIVE_INFINITY; // channel 1, row 0, last column: only taps with kj <= 1 see it
        float[] got = new float[d.w.f.length], want = new float[got.length];
        CpuConvWinogradWeight.weight(d.x.f, d.dy.f, got, s, true);
        CpuConvImplicit.weightRows(d.x.f, d.dy.f, want, s.n(), s.cOut(), CpuConvImplicit.Sources.forward(s), true);
        int nonFinite = 0;
        for (int i = 0; i < got.length; i++) {
            assertEquals(Float.isFinite(want[i]), Float.isFinite(got[i]), "finite at " + i);
            if (!Float.isFinite(want[i])) nonFinite++;
        }
        assertTrue(nonFinite > 0 && nonFinite < 8 * 9, "some taps of channel 1, not all: " + nonFinite);
    }

    @Test
    void nonFiniteInputsStayWithTheOutputsThatSeeThem() {
        if (!CpuGemm.VECTOR) return;
        Conv2dSpec s = new Conv2dSpec(9, 16, 12, 12, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        CpuConvImplicitTest.Data d = new CpuConvImplicitTest.Data(s, 23);
        int hw = 144;
        d.x.f[5 * 16 * hw + 3 * hw + 12 * 5 + 7] = Float.POSITIVE_INFINITY; // image 5 (second chunk)
        d.x.f[8 * 16 * hw + 40] = Float.NaN;                                // image 8 (third chunk)
        float[] got = new float[s.n() * 8 * hw], want = new float[got.length];
        CpuConvWinograd.forward(d.x.f, d.w.f, d.b.f, got, s);
        CpuConvImplicit.forward(d.x.f, d.w.f, d.b.f, want, s);
        int nonFinite = 0;
        for (int i = 0; i < got.length; i++) {
            assertEquals(Float.isFinite(want[i]), Float.isFinite(got[i]), "finite at " + i);
            if (!Float.isFinite(want[i])) nonFinite++;
        }
        assertEquals(2 * 8 * 9, nonFinite, "each bad pixel reaches its 3x3 neighbourhood in every channel");
        d.w.f[7] = Float.NaN;
        CpuConvWinograd.forward(d.x.f, d.w.f, d.b.f, got, s);
        CpuConvImplicit.forward(d.x.f, d.w.f, d.b.f, want, s);
        assertBits(want, got, "a NaN weight takes the direct conv");
    }

    @Test
    void onlyPlainThreeByThreeConvsWithEnoughChannelsAndTilesTakeIt() {
        if (!CpuGemm.VECTOR) return;
        assertTrue(CpuConvWinograd.appliesForward(new Conv2dSpec(128, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        assertTrue(CpuConvWinograd.appliesInput(new Conv2dSpec(128, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        assertFalse(CpuConvWinograd.appliesForward(new Conv2dSpec(128, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "1 channel");
        assertFalse(CpuConvWinograd.appliesForward(new Conv2dSpec(2, 32, 14, 14, 60, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "60 outputs");
        assertFalse(CpuConvWinograd.appliesForward(new Conv2dSpec(2, 32, 14, 14, 64, 3, 3, 2, 2, 1, 1, 1, 1, 1)), "strided");
        assertFalse(CpuConvWinograd.appliesForward(new Conv2dSpec(2, 32, 14, 14, 64, 3, 3, 1, 1, 2, 2, 2, 2, 1)), "dilated");
        assertFalse(CpuConvWinograd.appliesForward(new Conv2dSpec(2, 32, 14, 14, 64, 5, 5, 1, 1, 2, 2, 1, 1, 1)), "5x5");
        assertFalse(CpuConvWinograd.appliesForward(new Conv2dSpec(2, 32, 6, 6, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "9 tiles");
        assertTrue(CpuConvWinogradWeight.applies(new Conv2dSpec(128, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)));
        assertFalse(CpuConvWinograd.appliesForward(new Conv2dSpec(1, 64, 112, 112, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
                "an image whose transforms outgrow the scratch");
        assertEquals(1, CpuConvWinograd.chunkImages(64, 784, CpuConvWinograd.CHUNK), "one large image per chunk");
        assertFalse(CpuConvWinogradWeight.applies(new Conv2dSpec(2, 24, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
                "input channels in no whole block of two vectors");
    }

    /** Winograd's transforms add a few roundings to the direct conv's: 4e-5 of the sum of the terms' magnitudes. */
    private static void assertClose(double[] want, double[] abs, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 4e-5 * abs[i] + 1e-6, what + " at " + i);
    }

    private static void assertBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " bits at " + i);
        }
    }
}

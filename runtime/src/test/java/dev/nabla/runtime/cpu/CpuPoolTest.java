package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.backend.Pool2dSpec;
import dev.nabla.runtime.backend.PoolResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pooling loops against plain sequential loops (the code they replaced), bit for bit: values (signed zeros
 * and NaN payloads included), argmax indices and gradients, on data with ties, NaN, infinities and odd sizes.
 */
class CpuPoolTest {
    /** n, c, h, w, kh, kw, sh, sw, ph, pw. */
    static Stream<Pool2dSpec> specs() {
        return Stream.of(
                spec(2, 3, 8, 8, 2, 2, 2, 2, 0, 0),
                spec(1, 2, 7, 9, 2, 2, 2, 2, 0, 0),
                spec(3, 1, 1, 5, 1, 2, 1, 2, 0, 0),
                spec(2, 2, 5, 3, 2, 2, 2, 2, 0, 0),
                spec(1, 3, 28, 28, 2, 2, 2, 2, 0, 0),
                spec(2, 2, 7, 5, 3, 3, 2, 2, 1, 1),
                spec(1, 2, 9, 11, 3, 3, 1, 1, 1, 1),
                spec(3, 1, 5, 8, 2, 3, 1, 2, 1, 1),
                spec(2, 2, 1, 6, 1, 3, 1, 1, 0, 1),
                spec(1, 1, 4, 4, 4, 4, 1, 1, 2, 2),
                spec(1, 2, 10, 13, 2, 3, 3, 4, 1, 1),
                spec(2, 1, 6, 6, 5, 1, 2, 1, 2, 0),
                spec(2, 2, 1, 5, 2, 2, 2, 2, 0, 0),
                spec(1, 2, 6, 1, 2, 2, 2, 2, 0, 0));
    }

    static Pool2dSpec spec(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
        return new Pool2dSpec(n, c, h, w, kh, kw, sh, sw, ph, pw, true);
    }

    /** Gaussian values, then a few planes of ties, -0.0 / 0.0, NaNs with distinct payloads and infinities. */
    static double[] data(Pool2dSpec s, long seed) {
        Random r = new Random(seed);
        int n = s.n() * s.c() * s.h() * s.w();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(20);
            v[i] = switch (kind) {
                case 0, 1, 2 -> 0.0;
                case 3, 4 -> -0.0;
                case 5 -> 1.0;
                case 6 -> Double.NEGATIVE_INFINITY;
                case 7 -> r.nextInt(8) == 0 ? Double.POSITIVE_INFINITY : -1.0;
                case 8 -> r.nextInt(4) == 0 ? Double.longBitsToDouble(0x7ff8000000000000L | r.nextInt(1000) + 1) : 1.0;
                default -> r.nextGaussian();
            };
        }
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void float64ForwardMatchesTheSequentialLoopBitForBit(Pool2dSpec s) {
        for (long seed = 1; seed <= 4; seed++) {
            double[] x = data(s, seed);
            int outN = s.n() * s.c() * s.outH() * s.outW(), planes = s.n() * s.c();
            double[] wantY = new double[outN];
            int[] wantI = new int[outN];
            sequentialMax(x, wantY, wantI, s);
            double[] y = new double[outN];
            int[] idx = new int[outN];
            CpuMaxPool.general(x, y, idx, s, 0, planes);
            assertBits(wantY, y, "general " + s);
            assertArrayEquals(wantI, idx, "general indices " + s);
            if (CpuMaxPool.is2x2(s)) {
                y = new double[outN];
                idx = new int[outN];
                CpuMaxPool.window2x2(x, y, idx, s.h(), s.w(), 0, planes);
                assertBits(wantY, y, "2x2 " + s);
                assertArrayEquals(wantI, idx, "2x2 indices " + s);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void float32ForwardMatchesTheSequentialLoopBitForBit(Pool2dSpec s) {
        for (long seed = 1; seed <= 4; seed++) {
            float[] x = toFloat(data(s, seed));
            int outN = s.n() * s.c() * s.outH() * s.outW(), planes = s.n() * s.c();
            float[] wantY = new float[outN];
            int[] wantI = new int[outN];
            sequentialMax(x, wantY, wantI, s);
            float[] y = new float[outN];
            int[] idx = new int[outN];
            CpuMaxPool.general(x, y, idx, s, 0, planes);
            assertBits(wantY, y, "general " + s);
            assertArrayEquals(wantI, idx, "general indices " + s);
            if (CpuMaxPool.is2x2(s)) {
                y = new float[outN];
                idx = new int[outN];
                CpuMaxPool.window2x2(x, y, idx, s.h(), s.w(), 0, planes);
                assertBits(wantY, y, "2x2 " + s);
                assertArrayEquals(wantI, idx, "2x2 indices " + s);
            }
        }
    }

    /**
     * The vector 2x2 windows against the sequential loop, bit for bit, on rows of every kind: shorter than a vector
     * (computed past their end, over outputs later rows rewrite), whole vectors, a vector shifted back to end at the
     * row, odd sizes; and over ranges of planes cut anywhere, as threads cut them, where the last rows of a range
     * must not write into the next one's outputs (each part runs on its own zeroed copy, then they are compared).
     */
    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("vectorPlanes")
    void float32VectorWindowsMatchTheSequentialLoopBitForBit(int h, int w) {
        org.junit.jupiter.api.Assumptions.assumeTrue(CpuGemm.VECTOR, "no Vector API");
        Pool2dSpec s = spec(3, 2, h, w, 2, 2, 2, 2, 0, 0);
        int planes = s.n() * s.c(), ohw = s.outH() * s.outW(), outN = planes * ohw;
        for (long seed = 1; seed <= 3; seed++) {
            float[] x = toFloat(data(s, seed));
            float[] wantY = new float[outN];
            int[] wantI = new int[outN];
            sequentialMax(x, wantY, wantI, s);
            for (int cut = 0; cut <= planes; cut++) {
                float[] y = new float[outN];
                int[] idx = new int[outN];
                float[] y2 = new float[outN];
                int[] idx2 = new int[outN];
                CpuMaxPoolVector.window2x2(x, y, idx, h, w, 0, cut);
                CpuMaxPoolVector.window2x2(x, y2, idx2, h, w, cut, planes);
                for (int o = 0; o < outN; o++) {
                    boolean first = o < cut * ohw;
                    float other = first ? y2[o] : y[o];
                    int otherI = first ? idx2[o] : idx[o];
                    assertEquals(0, Float.floatToRawIntBits(other), "plane range [" + (first ? cut : 0) + ", " + (first ? planes : cut)
                            + ") wrote output " + o + " of " + s);
                    assertEquals(0, otherI, "index written outside its range, output " + o);
                    if (!first) {
                        y[o] = y2[o];
                        idx[o] = idx2[o];
                    }
                }
                assertBits(wantY, y, "vector 2x2, planes cut at " + cut + ", " + s);
                assertArrayEquals(wantI, idx, "vector 2x2 indices, planes cut at " + cut + ", " + s);
            }
        }
    }

    /**
     * The whole-written 2x2 gradient against zeroing and scattering, bit for bit (signed zeros of dy become +0.0
     * as they do added to a zero), for planes of even sizes over ranges cut anywhere; an argmax outside its window
     * (not one the forward gives) is reported, and the backend then falls back to the scatter.
     */
    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("evenVectorPlanes")
    void float32VectorGradientMatchesTheScatterBitForBit(int h, int w) {
        org.junit.jupiter.api.Assumptions.assumeTrue(CpuGemm.VECTOR, "no Vector API");
        Pool2dSpec s = spec(3, 2, h, w, 2, 2, 2, 2, 0, 0);
        int planes = s.n() * s.c(), hw = h * w, ohw = s.outH() * s.outW(), outN = planes * ohw;
        float[] x = toFloat(data(s, 5)), dy = toFloat(data(spec(3, 2, s.outH(), s.outW(), 1, 1, 1, 1, 0, 0), 6));
        float[] y = new float[outN];
        int[] am = new int[outN];
        CpuMaxPool.window2x2(x, y, am, h, w, 0, planes);
        float[] want = new float[planes * hw];
        for (int o = 0; o < outN; o++) want[o / ohw * hw + am[o]] += dy[o];
        for (int cut = 0; cut <= planes; cut++) {
            float[] dx = new float[planes * hw];
            java.util.Arrays.fill(dx, Float.NaN);
            assertTrue(CpuMaxPoolVector.backward2x2(dy, am, dx, h, w, 0, cut));
            assertTrue(CpuMaxPoolVector.backward2x2(dy, am, dx, h, w, cut, planes));
            assertBits(want, dx, "vector 2x2 gradient, planes cut at " + cut + ", " + s);
        }
        int[] bad = am.clone();
        bad[outN - 1] = 0; // the last window of the last plane never holds pixel 0 of its plane
        if (ohw > 1) {
            assertFalse(CpuMaxPoolVector.backward2x2(dy, bad, new float[planes * hw], h, w, 0, planes));
            CpuBuffer got = (CpuBuffer) new CpuPool().maxPool2dBackward(buffer(DType.FLOAT32, toDouble(dy)),
                    intBuffer(bad), s);
            float[] scattered = new float[planes * hw];
            for (int o = 0; o < outN; o++) scattered[o / ohw * hw + bad[o]] += dy[o];
            assertBits(scattered, got.f, "fallback scatter for an argmax outside its window, " + s);
        }
    }

    /** The planes of {@link #vectorPlanes} with even sides, the only ones the whole-written gradient takes. */
    static Stream<org.junit.jupiter.params.provider.Arguments> evenVectorPlanes() {
        return vectorPlanes().filter(a -> (int) a.get()[0] % 2 == 0 && (int) a.get()[1] % 2 == 0);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> vectorPlanes() {
        int[][] hw = {{2, 2}, {5, 3}, {14, 14}, {28, 28}, {7, 9}, {4, 64}, {6, 40}, {3, 33}, {9, 70}, {2, 100}, {16, 31}};
        return Stream.of(hw).map(p -> org.junit.jupiter.params.provider.Arguments.of(p[0], p[1]));
    }

    @Test
    void tiesPickTheFirstMaximumAndTheLastNaNWins() {
        Pool2dSpec s = spec(1, 1, 2, 2, 2, 2, 2, 2, 0, 0);
        double nan1 = Double.longBitsToDouble(0x7ff8000000000001L), nan2 = Double.longBitsToDouble(0x7ff8000000000002L);
        double[][] inputs = {{-0.0, 0.0, 0.0, -0.0}, {1, 3, 3, 2}, {nan1, 5, nan2, 1}, {5, nan1, 7, 9},
                {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}};
        int[] wantIdx = {0, 1, 2, 1, 0};
        for (int k = 0; k < inputs.length; k++) {
            for (boolean fast : new boolean[]{true, false}) {
                double[] y = new double[1];
                int[] idx = new int[1];
                if (fast) CpuMaxPool.window2x2(inputs[k], y, idx, 2, 2, 0, 1);
                else CpuMaxPool.general(inputs[k], y, idx, s, 0, 1);
                assertEquals(wantIdx[k], idx[0], "case " + k + (fast ? " 2x2" : " general"));
                assertEquals(Double.doubleToRawLongBits(inputs[k][wantIdx[k]]), Double.doubleToRawLongBits(y[0]));
            }
        }
    }

    @Test
    void windowsWithoutRealPixelsGiveMinusInfinityAsBefore() {
        // Padding wider than half the window (PoolOps rejects it, the kernel still answers as it always did).
        Pool2dSpec s = spec(1, 1, 2, 3, 1, 1, 1, 1, 1, 1);
        double[] x = {1, 2, 3, 4, 5, 6};
        int outN = s.outH() * s.outW();
        double[] want = new double[outN], y = new double[outN];
        int[] wantI = new int[outN], idx = new int[outN];
        sequentialMax(x, want, wantI, s);
        CpuMaxPool.general(x, y, idx, s, 0, 1);
        assertBits(want, y, "empty windows");
        assertArrayEquals(wantI, idx);
        assertEquals(Double.NEGATIVE_INFINITY, y[0]);
    }

    @Test
    void only2x2WindowsAtStride2WithoutPaddingTakeTheFastPath() {
        assertTrue(CpuMaxPool.is2x2(spec(1, 1, 5, 5, 2, 2, 2, 2, 0, 0)));
        assertFalse(CpuMaxPool.is2x2(spec(1, 1, 5, 5, 2, 2, 1, 1, 0, 0)));
        assertFalse(CpuMaxPool.is2x2(spec(1, 1, 5, 5, 2, 2, 2, 2, 1, 1)));
        assertFalse(CpuMaxPool.is2x2(spec(1, 1, 5, 5, 3, 3, 2, 2, 0, 0)));
        assertFalse(CpuMaxPool.is2x2(spec(1, 1, 1, 5, 2, 2, 2, 2, 0, 0)), "one row: a clipped window");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void backendPassesMatchTheSequentialLoops(Pool2dSpec s) {
        CpuPool pool = new CpuPool();
        double[] xv = data(s, 9);
        int outN = s.n() * s.c() * s.outH() * s.outW();
        Random r = new Random(11);
        double[] dyv = new double[outN];
        for (int i = 0; i < outN; i++) dyv[i] = r.nextGaussian();
        for (DType t : new DType[]{DType.FLOAT64, DType.FLOAT32}) {
            CpuBuffer x = buffer(t, xv), dy = buffer(t, dyv);
            PoolResult p = pool.maxPool2d(x, s);
            CpuBuffer am = (CpuBuffer) p.argmax();
            double[] wantY = new double[outN];
            int[] wantI = new int[outN];
            sequentialMax(t == DType.FLOAT32 ? toDouble(x.f) : xv, wantY, wantI, s);
            assertArrayEquals(wantI, am.i, t + " argmax " + s);
            assertArrayEquals(wantY, values((CpuBuffer) p.out()), 0.0, t + " max " + s);
            double[] wantDx = new double[x.size];
            int hw = s.h() * s.w(), ohw = s.outH() * s.outW();
            for (int o = 0; o < outN; o++) wantDx[o / ohw * hw + wantI[o]] = round(t, wantDx[o / ohw * hw + wantI[o]] + values(dy)[o]);
            assertArrayEquals(wantDx, values((CpuBuffer) pool.maxPool2dBackward(dy, am, s)), 0.0, t + " max grad " + s);
            for (boolean include : new boolean[]{true, false}) {
                Pool2dSpec a = new Pool2dSpec(s.n(), s.c(), s.h(), s.w(), s.kh(), s.kw(), s.strideH(), s.strideW(),
                        s.padH(), s.padW(), include);
                CpuBuffer finite = buffer(t, gaussian(x.size, 13));
                assertArrayEquals(sequentialAvg(a, values(finite), t), values((CpuBuffer) pool.avgPool2d(finite, a)), 0.0,
                        t + " avg " + a);
                assertArrayEquals(sequentialAvgBackward(a, values(dy), t),
                        values((CpuBuffer) pool.avgPool2dBackward(dy, a)), 0.0, t + " avg grad " + a);
            }
        }
    }

    // ---------------------------------------------------------------- the sequential loops

    static void sequentialMax(double[] x, double[] y, int[] idx, Pool2dSpec s) {
        int h = s.h(), w = s.w(), oh = s.outH(), ow = s.outW();
        for (int pl = 0; pl < s.n() * s.c(); pl++) {
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(0, oy * s.strideH() - s.padH()), y1 = Math.min(h, oy * s.strideH() - s.padH() + s.kh());
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = Math.max(0, ox * s.strideW() - s.padW()), x1 = Math.min(w, ox * s.strideW() - s.padW() + s.kw());
                    int best = y0 * w + x0;
                    double m = Double.NEGATIVE_INFINITY;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            double v = x[pl * h * w + iy * w + ix];
                            if (v > m || v != v) { m = v; best = iy * w + ix; }
                        }
                    }
                    y[(pl * oh + oy) * ow + ox] = m;
                    idx[(pl * oh + oy) * ow + ox] = best;
                }
            }
        }
    }

    static void sequentialMax(float[] x, float[] y, int[] idx, Pool2dSpec s) {
        int h = s.h(), w = s.w(), oh = s.outH(), ow = s.outW();
        for (int pl = 0; pl < s.n() * s.c(); pl++) {
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(0, oy * s.strideH() - s.padH()), y1 = Math.min(h, oy * s.strideH() - s.padH() + s.kh());
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = Math.max(0, ox * s.strideW() - s.padW()), x1 = Math.min(w, ox * s.strideW() - s.padW() + s.kw());
                    int best = y0 * w + x0;
                    float m = Float.NEGATIVE_INFINITY;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            float v = x[pl * h * w + iy * w + ix];
                            if (v > m || v != v) { m = v; best = iy * w + ix; }
                        }
                    }
                    y[(pl * oh + oy) * ow + ox] = m;
                    idx[(pl * oh + oy) * ow + ox] = best;
                }
            }
        }
    }

    /** The window, divisor and double sum in row-major order of the loop that was replaced. */
    static double[] sequentialAvg(Pool2dSpec s, double[] x, DType t) {
        int oh = s.outH(), ow = s.outW(), h = s.h(), w = s.w();
        double[] y = new double[s.n() * s.c() * oh * ow];
        for (int pl = 0; pl < s.n() * s.c(); pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int[] win = new int[4];
                    double scale = 1.0 / window(s, oy, ox, win);
                    double sum = 0;
                    for (int iy = win[0]; iy < win[1]; iy++) {
                        for (int ix = win[2]; ix < win[3]; ix++) sum += x[pl * h * w + iy * w + ix];
                    }
                    y[(pl * oh + oy) * ow + ox] = round(t, sum * scale);
                }
            }
        }
        return y;
    }

    static double[] sequentialAvgBackward(Pool2dSpec s, double[] dy, DType t) {
        int oh = s.outH(), ow = s.outW(), h = s.h(), w = s.w();
        double[] dx = new double[s.n() * s.c() * h * w];
        for (int pl = 0; pl < s.n() * s.c(); pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int[] win = new int[4];
                    double g = round(t, dy[(pl * oh + oy) * ow + ox] * (1.0 / window(s, oy, ox, win)));
                    for (int iy = win[0]; iy < win[1]; iy++) {
                        for (int ix = win[2]; ix < win[3]; ix++) {
                            dx[pl * h * w + iy * w + ix] = round(t, dx[pl * h * w + iy * w + ix] + g);
                        }
                    }
                }
            }
        }
        return dx;
    }

    private static int window(Pool2dSpec s, int oy, int ox, int[] win) {
        int y0 = oy * s.strideH() - s.padH(), x0 = ox * s.strideW() - s.padW();
        int y1 = Math.min(y0 + s.kh(), s.h() + s.padH()), x1 = Math.min(x0 + s.kw(), s.w() + s.padW());
        int padded = (y1 - y0) * (x1 - x0);
        win[0] = Math.max(y0, 0);
        win[1] = Math.min(y1, s.h());
        win[2] = Math.max(x0, 0);
        win[3] = Math.min(x1, s.w());
        return s.countIncludePad() ? padded : Math.max(1, (win[1] - win[0]) * (win[3] - win[2]));
    }

    // ---------------------------------------------------------------- helpers

    private static double round(DType t, double v) { return t == DType.FLOAT32 ? (float) v : v; }

    private static double[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return v;
    }

    private static CpuBuffer buffer(DType t, double[] v) {
        CpuBuffer b = CpuBuffer.allocate(t, v.length);
        for (int i = 0; i < v.length; i++) {
            if (t == DType.FLOAT32) b.f[i] = (float) v[i]; else b.d[i] = v[i];
        }
        return b;
    }

    private static CpuBuffer intBuffer(int[] v) {
        CpuBuffer b = CpuBuffer.allocate(DType.INT32, v.length);
        System.arraycopy(v, 0, b.i, 0, v.length);
        return b;
    }

    private static double[] values(CpuBuffer b) { return b.f != null ? toDouble(b.f) : b.d.clone(); }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    private static void assertBits(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]), what + " at " + i);
        }
    }

    private static void assertBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " at " + i);
        }
    }
}

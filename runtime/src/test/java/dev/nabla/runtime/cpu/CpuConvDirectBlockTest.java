package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.backend.Conv2dSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct conv forward with at least {@link CpuConvVector#BLOCK} output channels, where the vector path
 * computes eight channels at a time: against the im2col pass (float64) and, bit for bit, against a chain of fused
 * multiply-adds in tap order per output (float32 and float64), which is what the per-channel loop computes.
 */
class CpuConvDirectBlockTest {
    /** n, cIn, h, w, cOut, kh, kw, stride, pad, dilation, groups. */
    static Stream<Conv2dSpec> specs() {
        return Stream.of(
                new Conv2dSpec(2, 1, 28, 28, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(3, 1, 11, 19, 19, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(2, 3, 9, 20, 16, 3, 3, 1, 1, 0, 0, 1, 1, 1),
                new Conv2dSpec(2, 2, 5, 6, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(1, 1, 17, 33, 9, 5, 5, 1, 1, 2, 2, 1, 1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void blockedForwardMatchesIm2colAndTheTapOrderChain(Conv2dSpec s) {
        assertTrue(CpuConvDirect.applies(s));
        for (DType t : new DType[]{DType.FLOAT64, DType.FLOAT32}) {
            Random r = new Random(5);
            CpuBuffer x = rand(t, r, s.n() * s.cIn() * s.h() * s.w()), w = rand(t, r, s.cOut() * s.cIn() * s.kh() * s.kw());
            CpuBuffer b = rand(t, r, s.cOut());
            CpuBuffer y = CpuConvDirect.forward(x, w, b, s);
            double[] chain = chain(s, x, w, b, t);
            double[] got = values(y);
            if (t == DType.FLOAT64) assertArrayEquals(values(CpuConv.forward(x, w, b, s, CpuConv.Plan.of(s))), got, 1e-12, "vs im2col");
            if (CpuGemm.VECTOR) {
                for (int i = 0; i < got.length; i++) assertEquals(chain[i], got[i], 0.0, t + " bits at " + i);
            } else {
                assertArrayEquals(chain, got, t == DType.FLOAT32 ? 1e-4 : 1e-12, t + " scalar path");
            }
            assertArrayEquals(values(CpuConvDirect.forward(x, w, null, s)),
                    minusBias(got, b, s), t == DType.FLOAT32 ? 1e-5 : 1e-12, t + " without bias");
        }
    }

    /** y = b, then y = fma(x_tap, w_tap, y) over the taps (c, ki, kj) in order; padding reads 0. */
    private static double[] chain(Conv2dSpec s, CpuBuffer x, CpuBuffer w, CpuBuffer b, DType t) {
        int oh = s.outH(), ow = s.outW(), h = s.h(), wd = s.w(), k = s.cIn() * s.kh() * s.kw();
        double[] y = new double[s.n() * s.cOut() * oh * ow];
        for (int n = 0; n < s.n(); n++) {
            for (int co = 0; co < s.cOut(); co++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float af = b.f != null ? b.f[co] : 0f;
                        double ad = b.d != null ? b.d[co] : 0.0;
                        for (int c = 0, tap = 0; c < s.cIn(); c++) {
                            for (int ki = 0; ki < s.kh(); ki++) {
                                for (int kj = 0; kj < s.kw(); kj++, tap++) {
                                    int iy = oy - s.padH() + ki, ix = ox - s.padW() + kj;
                                    boolean in = iy >= 0 && iy < h && ix >= 0 && ix < wd;
                                    int xi = ((n * s.cIn() + c) * h + iy) * wd + ix, wi = co * k + tap;
                                    if (t == DType.FLOAT32) af = Math.fma(in ? x.f[xi] : 0f, w.f[wi], af);
                                    else ad = Math.fma(in ? x.d[xi] : 0.0, w.d[wi], ad);
                                }
                            }
                        }
                        y[((n * s.cOut() + co) * oh + oy) * ow + ox] = t == DType.FLOAT32 ? af : ad;
                    }
                }
            }
        }
        return y;
    }

    private static double[] minusBias(double[] y, CpuBuffer b, Conv2dSpec s) {
        double[] out = y.clone();
        int p = s.outH() * s.outW();
        for (int i = 0; i < out.length; i++) out[i] -= b.f != null ? b.f[i / p % s.cOut()] : b.d[i / p % s.cOut()];
        return out;
    }

    private static CpuBuffer rand(DType t, Random r, int n) {
        CpuBuffer b = CpuBuffer.allocate(t, n);
        for (int i = 0; i < n; i++) {
            if (t == DType.FLOAT32) b.f[i] = (float) r.nextGaussian(); else b.d[i] = r.nextGaussian();
        }
        return b;
    }

    private static double[] values(CpuBuffer b) {
        if (b.d != null) return b.d.clone();
        double[] v = new double[b.f.length];
        for (int i = 0; i < v.length; i++) v[i] = b.f[i];
        return v;
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.backend.Conv2dSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CpuConv cuts the batch into tasks and chunks of images whose columns sit side by side; every cut must give
 * the plain-loop result (float64, so only summation order differs), and the same cut must give the same bits.
 */
class CpuConvChunkingTest {
    /**
     * n, cIn, h, w, cOut, kh, kw, stride, pad, dilation, groups: 3x3 pad 1, strided, grouped, 1x1, K < cOut,
     * dilated "same", and paddings larger than the input (the whole-plane path's edges).
     */
    static Stream<Arguments> specsAndCuts() {
        Conv2dSpec[] specs = {
                new Conv2dSpec(7, 3, 6, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(5, 4, 7, 9, 6, 3, 2, 2, 1, 1, 0, 2, 1, 2),
                new Conv2dSpec(6, 4, 4, 3, 8, 1, 1, 1, 1, 0, 0, 1, 1, 2),
                new Conv2dSpec(5, 1, 5, 4, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(4, 2, 6, 7, 4, 3, 3, 1, 1, 2, 2, 2, 2, 1),
                new Conv2dSpec(3, 2, 2, 5, 3, 3, 3, 1, 1, 2, 1, 1, 1, 1),
                new Conv2dSpec(3, 2, 1, 4, 3, 5, 3, 1, 1, 3, 1, 1, 1, 1)};
        int[][] cuts = {{1, 1}, {1, 2}, {1, 7}, {2, 1}, {2, 2}, {3, 2}, {4, 3}};
        return Stream.of(specs).flatMap(s -> Stream.of(cuts).map(c -> Arguments.of(s, c[0], c[1])));
    }

    @ParameterizedTest(name = "{0} tasks={1} chunk={2}")
    @MethodSource("specsAndCuts")
    void everyCutOfTheBatchMatchesThePlainLoops(Conv2dSpec s, int tasks, int chunk) {
        Random r = new Random(7);
        int oh = s.outH(), ow = s.outW(), cinG = s.cIn() / s.groups(), coutG = s.cOut() / s.groups();
        double[] x = rand(r, s.n() * s.cIn() * s.h() * s.w()), w = rand(r, s.cOut() * cinG * s.kh() * s.kw());
        double[] bias = rand(r, s.cOut()), dy = rand(r, s.n() * s.cOut() * oh * ow);
        double[] y = new double[dy.length], dx = new double[x.length], dw = new double[w.length];
        for (int img = 0; img < s.n(); img++) {
            for (int co = 0; co < s.cOut(); co++) {
                int g = co / coutG;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int yi = ((img * s.cOut() + co) * oh + oy) * ow + ox;
                        double acc = bias[co];
                        for (int c = 0; c < cinG; c++) {
                            for (int ki = 0; ki < s.kh(); ki++) {
                                for (int kj = 0; kj < s.kw(); kj++) {
                                    int iy = oy * s.strideH() - s.padH() + ki * s.dilationH();
                                    int ix = ox * s.strideW() - s.padW() + kj * s.dilationW();
                                    if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                                    int xi = ((img * s.cIn() + g * cinG + c) * s.h() + iy) * s.w() + ix;
                                    int wi = ((co * cinG + c) * s.kh() + ki) * s.kw() + kj;
                                    acc += w[wi] * x[xi];
                                    dx[xi] += w[wi] * dy[yi];
                                    dw[wi] += x[xi] * dy[yi];
                                }
                            }
                        }
                        y[yi] = acc;
                    }
                }
            }
        }
        CpuConv.Plan plan = CpuConv.Plan.of(s).split(tasks, chunk);
        CpuBuffer xb = buf(x), wb = buf(w), bb = buf(bias), dyb = buf(dy);
        double[] gotY = CpuConv.forward(xb, wb, bb, s, plan).d;
        double[] gotDx = CpuConv.backwardInput(dyb, wb, s, plan).d;
        double[] gotDw = CpuConv.backwardWeight(xb, dyb, s, plan).d;
        assertArrayEquals(y, gotY, 1e-12, "forward");
        assertArrayEquals(dx, gotDx, 1e-12, "backward input");
        assertArrayEquals(dw, gotDw, 1e-12, "backward weight");
        double[] againDw = CpuConv.backwardWeight(xb, dyb, s, plan).d;
        for (int i = 0; i < dw.length; i++) assertEquals(gotDw[i], againDw[i], 0.0, "repeatable bits");
    }

    private static double[] rand(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return v;
    }

    private static CpuBuffer buf(double[] v) {
        CpuBuffer b = CpuBuffer.allocate(DType.FLOAT64, v.length);
        System.arraycopy(v, 0, b.d, 0, v.length);
        return b;
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.backend.Conv2dSpec;
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
 * The small-K direct conv against the im2col + GEMM passes on the same data (float64, so only summation order
 * differs), and which specs take it.
 */
class CpuConvDirectTest {
    /** n, cIn, h, w, cOut, kh, kw, stride, pad, dilation, groups. */
    static Stream<Conv2dSpec> specs() {
        return Stream.of(
                new Conv2dSpec(5, 1, 28, 28, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                new Conv2dSpec(3, 3, 7, 40, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1),
                new Conv2dSpec(3, 2, 9, 7, 3, 2, 3, 2, 2, 2, 1, 1, 2, 1),
                new Conv2dSpec(2, 1, 6, 5, 2, 5, 5, 1, 1, 2, 2, 1, 1, 1),
                new Conv2dSpec(2, 3, 4, 4, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void directPassesMatchTheIm2colPasses(Conv2dSpec s) {
        assertTrue(CpuConvDirect.applies(s), "takes the direct path");
        Random r = new Random(3);
        int cinG = s.cIn() / s.groups();
        CpuBuffer x = rand(r, s.n() * s.cIn() * s.h() * s.w()), w = rand(r, s.cOut() * cinG * s.kh() * s.kw());
        CpuBuffer b = rand(r, s.cOut()), dy = rand(r, s.n() * s.cOut() * s.outH() * s.outW());
        CpuConv.Plan plan = CpuConv.Plan.of(s);
        assertArrayEquals(CpuConv.forward(x, w, b, s, plan).d, CpuConvDirect.forward(x, w, b, s).d, 1e-12, "forward");
        double[] dw = CpuConvDirect.backwardWeight(x, dy, s).d;
        assertArrayEquals(CpuConv.backwardWeight(x, dy, s, plan).d, dw, 1e-12, "backward weight");
        double[] again = CpuConvDirect.backwardWeight(x, dy, s).d;
        for (int i = 0; i < dw.length; i++) assertEquals(dw[i], again[i], 0.0, "repeatable bits");
    }

    @Test
    void onlyOneGroupAndAtMost27ReductionTermsTakeTheDirectPath() {
        assertTrue(CpuConvDirect.applies(new Conv2dSpec(1, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "K = 27");
        assertFalse(CpuConvDirect.applies(new Conv2dSpec(1, 4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1)), "K = 36");
        assertFalse(CpuConvDirect.applies(new Conv2dSpec(1, 2, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2)), "two groups");
    }

    private static CpuBuffer rand(Random r, int n) {
        CpuBuffer b = CpuBuffer.allocate(DType.FLOAT64, n);
        for (int i = 0; i < n; i++) b.d[i] = r.nextGaussian();
        return b;
    }
}

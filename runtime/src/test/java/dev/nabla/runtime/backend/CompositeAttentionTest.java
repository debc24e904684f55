package dev.nabla.runtime.backend;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link CompositeAttention} (the CUDA backend's fallback for float64, dk != dv and head dims over 128)
 * run on the CPU backend's families and compared with the fused {@code CpuAttention}: output, log-sum-exp
 * and the three gradients, with causal and padding masks and rows whose keys are all masked.
 */
class CompositeAttentionTest {
    private static final Backend CPU = CpuBackend.instance();

    /** One call: sizes, masks (padded keys per batch from the end; -1 = no mask) and a name. */
    record Case(String name, int batch, int heads, int tq, int tk, int dk, int dv, boolean causal, int[] padded) {
        AttentionSpec spec() { return new AttentionSpec(batch, heads, tq, tk, dk, dv, 1 / Math.sqrt(dk), causal); }

        @Override public String toString() { return name; }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no mask", 2, 3, 5, 7, 8, 8, false, null),
                new Case("causal square", 1, 2, 6, 6, 4, 4, true, null),
                new Case("causal fewer queries", 2, 1, 3, 7, 4, 4, true, null),
                new Case("causal more queries (early rows fully masked)", 1, 2, 7, 3, 4, 4, true, null),
                new Case("key padding", 2, 2, 4, 6, 8, 8, false, new int[]{2, 0}),
                new Case("causal and padding", 2, 2, 5, 5, 4, 4, true, new int[]{1, 3}),
                new Case("every key padded in one batch", 2, 2, 3, 4, 4, 4, false, new int[]{4, 1}),
                new Case("dk != dv", 2, 2, 4, 5, 6, 3, false, null),
                new Case("dk != dv causal and padded", 1, 3, 6, 4, 5, 9, true, new int[]{1}),
                new Case("head dim 160", 1, 2, 5, 6, 160, 160, true, null),
                new Case("size-1 dims", 1, 1, 1, 1, 1, 1, false, null));
    }

    static Stream<Arguments> casesAndDTypes() {
        return Stream.of(DType.FLOAT64, DType.FLOAT32).flatMap(t -> cases().map(c -> Arguments.of(c, t)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesAndDTypes")
    void forwardAndGradientsMatchTheFusedCpuKernel(Case c, DType dtype) {
        AttentionSpec s = c.spec();
        Random rnd = new Random(c.name().hashCode());
        long bh = (long) c.batch * c.heads;
        Buffer q = random(rnd, bh * c.tq * c.dk, dtype), k = random(rnd, bh * c.tk * c.dk, dtype);
        Buffer v = random(rnd, bh * c.tk * c.dv, dtype), dOut = random(rnd, bh * c.tq * c.dv, dtype);
        Buffer mask = mask(c, dtype);
        double tol = dtype == DType.FLOAT64 ? 1e-12 : 2e-5;

        AttentionResult want = CPU.attention().attention(q, k, v, mask, s);
        AttentionResult got = CompositeAttention.forward(CPU, q, k, v, mask, s);
        assertEquals(dtype, got.out().dtype());
        assertEquals(dtype, got.logSumExp().dtype());
        assertMatches(want.out(), got.out(), tol, c + " out");
        assertMatches(want.logSumExp(), got.logSumExp(), tol, c + " lse");

        AttentionGrads gw = CPU.attention().attentionBackward(q, k, v, want.out(), want.logSumExp(), dOut, mask, s);
        AttentionGrads gg = CompositeAttention.backward(CPU, q, k, v, got.out(), got.logSumExp(), dOut, mask, s);
        assertMatches(gw.dq(), gg.dq(), tol, c + " dq");
        assertMatches(gw.dk(), gg.dk(), tol, c + " dk");
        assertMatches(gw.dv(), gg.dv(), tol, c + " dv");
    }

    @Test
    void rowsWithEveryKeyMaskedGiveZeroOutputMinusInfinityLseAndZeroGradients() {
        // Batch 0 pads every key; batch 1 is causal-only with more queries than keys (rows 0, 1 see nothing).
        AttentionSpec s = new AttentionSpec(2, 1, 4, 2, 3, 3, 0.5, true);
        Random rnd = new Random(7);
        Buffer q = random(rnd, 2 * 4 * 3, DType.FLOAT64), k = random(rnd, 2 * 2 * 3, DType.FLOAT64);
        Buffer v = random(rnd, 2 * 2 * 3, DType.FLOAT64), dOut = random(rnd, 2 * 4 * 3, DType.FLOAT64);
        Buffer mask = CPU.fromArray(new long[]{1, 1, 0, 0}, DType.INT64);
        AttentionResult r = CompositeAttention.forward(CPU, q, k, v, mask, s);
        double[] out = (double[]) CPU.toArray(r.out()), lse = (double[]) CPU.toArray(r.logSumExp());
        for (int row = 0; row < 8; row++) {
            boolean dead = row < 6; // batch 0: rows 0-3; batch 1: rows 4, 5
            if (dead) {
                assertEquals(Double.NEGATIVE_INFINITY, lse[row], "lse of fully masked row " + row);
                for (int d = 0; d < 3; d++) assertEquals(0.0, out[row * 3 + d], "out of fully masked row " + row);
            } else {
                assertTrue(Double.isFinite(lse[row]), "lse of row " + row + " is " + lse[row]);
            }
        }
        AttentionGrads g = CompositeAttention.backward(CPU, q, k, v, r.out(), r.logSumExp(), dOut, mask, s);
        double[] dq = (double[]) CPU.toArray(g.dq()), dk = (double[]) CPU.toArray(g.dk()), dv = (double[]) CPU.toArray(g.dv());
        for (int i = 0; i < 4 * 3; i++) assertEquals(0.0, dq[i], "dq of batch 0 (every key padded), element " + i);
        for (int i = 0; i < 2 * 3; i++) {
            assertEquals(0.0, dk[i], "dk of padded keys, element " + i);
            assertEquals(0.0, dv[i], "dv of padded keys, element " + i);
        }
        for (int i = 12; i < 18; i++) assertEquals(0.0, dq[i], "dq of causal rows that see no key, element " + i);
        for (double[] a : new double[][]{out, dq, dk, dv}) for (double x : a) assertTrue(!Double.isNaN(x), "NaN in the result");
    }

    @Test
    void rejectsIntegerInputsNamingTheOp() {
        AttentionSpec s = new AttentionSpec(1, 1, 2, 2, 2, 2, 1, false);
        Buffer x = CPU.allocate(DType.INT32, 4);
        DTypeMismatchException e = assertThrows(DTypeMismatchException.class, () -> CompositeAttention.forward(CPU, x, x, x, null, s));
        assertTrue(e.getMessage().contains("scaled_dot_product_attention") && e.getMessage().contains("INT32"), e.getMessage());
    }

    @Test
    void rejectsBuffersThatDoNotFitTheSpec() {
        AttentionSpec s = new AttentionSpec(1, 1, 2, 3, 2, 2, 1, false);
        Buffer q = CPU.allocate(DType.FLOAT64, 4), k = CPU.allocate(DType.FLOAT64, 5), v = CPU.allocate(DType.FLOAT64, 6);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> CompositeAttention.forward(CPU, q, k, v, null, s));
        assertTrue(e.getMessage().contains("scaled_dot_product_attention") && e.getMessage().contains("5"), e.getMessage());
    }

    @Test
    void rejectsAPaddingMaskNotShapedBatchByKeys() {
        AttentionSpec s = new AttentionSpec(1, 1, 2, 3, 2, 2, 1, false);
        Buffer q = CPU.allocate(DType.FLOAT64, 4), k = CPU.allocate(DType.FLOAT64, 6), v = CPU.allocate(DType.FLOAT64, 6);
        Buffer mask = CPU.allocate(DType.FLOAT64, 2);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> CompositeAttention.forward(CPU, q, k, v, mask, s));
        assertTrue(e.getMessage().contains("key padding mask") && e.getMessage().contains("tk 3"), e.getMessage());
    }

    private static Buffer random(Random rnd, long n, DType dtype) {
        double[] a = new double[(int) n];
        for (int i = 0; i < a.length; i++) a[i] = 2 * rnd.nextDouble() - 1;
        return CPU.fromArray(a, dtype);
    }

    /** The last {@code padded[b]} keys of batch b are masked (nonzero), in the inputs' dtype; null without one. */
    private static Buffer mask(Case c, DType dtype) {
        if (c.padded == null) return null;
        double[] m = new double[c.batch * c.tk];
        for (int b = 0; b < c.batch; b++) for (int j = c.tk - c.padded[b]; j < c.tk; j++) m[b * c.tk + j] = 1;
        return CPU.fromArray(m, dtype);
    }

    /** Equal infinities, or |got - want| <= tol (1 + |want|). */
    private static void assertMatches(Buffer want, Buffer got, double tol, String what) {
        double[] w = (double[]) CPU.toArray(CPU.cast(want, DType.FLOAT64)), g = (double[]) CPU.toArray(CPU.cast(got, DType.FLOAT64));
        assertEquals(w.length, g.length, what + ": size");
        for (int i = 0; i < w.length; i++) {
            boolean ok = w[i] == g[i] || Math.abs(g[i] - w[i]) <= tol * (1 + Math.abs(w[i]));
            if (!ok) fail(String.format("%s: element %d is %.12g, expected %.12g", what, i, g[i], w[i]));
        }
    }
}

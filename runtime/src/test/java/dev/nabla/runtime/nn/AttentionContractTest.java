package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TensorClosedException;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scaled dot-product attention: forward and backward against PyTorch fixtures and against the naive
 * float64 loops in {@link NaiveAttention}, finite-difference gradient checks, fully masked rows and bad input.
 */
class AttentionContractTest {
    private static final String[] CASES = {"no_mask", "causal_square", "causal_fewer_queries", "key_padding",
            "causal_and_padding", "dk_ne_dv", "fully_masked_row", "causal_more_queries"};

    static Stream<Arguments> fixtureCases() {
        return TestDevices.all().flatMap(d -> Stream.of(DType.FLOAT64, DType.FLOAT32)
                .flatMap(t -> Stream.of(CASES).map(c -> Arguments.of(d, t, c))));
    }

    private static Tensor sdpa(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, double scale) {
        return AttentionOps.scaledDotProductAttention(q, k, v, mask, causal, scale);
    }

    // ------------------------------------------------------------------ against PyTorch

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("fixtureCases")
    void forwardMatchesPyTorch(Device device, DType dtype, String name) {
        Fixtures f = Fixtures.load("attention/" + name + ".txt");
        Tensor out = sdpa(f.get("q").tensor(dtype, device), f.get("k").tensor(dtype, device), f.get("v").tensor(dtype, device),
                f.has("mask") ? f.get("mask").tensor(DType.INT64, device) : null, f.scalar("causal") != 0,
                f.has("scale") ? f.scalar("scale") : Double.NaN);
        assertEquals(f.get("out").shapeObj(), out.shape());
        assertClose(f.get("out").values(), out, TestDevices.atol(dtype), TestDevices.rtol(dtype), name + " out");
    }

    @ParameterizedTest(name = "{2} {1} on {0}")
    @MethodSource("fixtureCases")
    void gradientsMatchPyTorch(Device device, DType dtype, String name) {
        Fixtures f = Fixtures.load("attention/" + name + ".txt");
        Tensor q = f.get("q").tensor(dtype, device).requiresGrad(true);
        Tensor k = f.get("k").tensor(dtype, device).requiresGrad(true);
        Tensor v = f.get("v").tensor(dtype, device).requiresGrad(true);
        Tensor out = sdpa(q, k, v, f.has("mask") ? f.get("mask").tensor(DType.INT64, device) : null,
                f.scalar("causal") != 0, f.has("scale") ? f.scalar("scale") : Double.NaN);
        out.backward(f.get("dout").tensor(dtype, device));
        double atol = TestDevices.atol(dtype), rtol = TestDevices.rtol(dtype);
        assertClose(f.get("dq").values(), q.grad(), atol, rtol, name + " dq");
        assertClose(f.get("dk").values(), k.grad(), atol, rtol, name + " dk");
        assertClose(f.get("dv").values(), v.grad(), atol, rtol, name + " dv");
    }

    // ------------------------------------------------------------------ against the naive loops

    static Stream<Arguments> randomShapes() {
        // b, h, tq, tk, dk, dv, causal, padded
        return Stream.of(
                Arguments.of(1, 1, 1, 7, 3, 2, false, false),
                Arguments.of(2, 1, 1, 9, 4, 4, true, true),
                Arguments.of(2, 3, 5, 5, 4, 6, true, false),
                Arguments.of(1, 2, 70, 300, 8, 5, false, true),
                Arguments.of(1, 2, 70, 300, 8, 5, true, true),
                Arguments.of(2, 1, 130, 130, 6, 3, true, false),
                Arguments.of(1, 1, 150, 40, 5, 5, true, false));
    }

    @ParameterizedTest(name = "b{0} h{1} tq{2} tk{3} dk{4} dv{5} causal={6} padded={7}")
    @MethodSource("randomShapes")
    void forwardAndBackwardMatchNaiveLoopsInFloat64(int b, int h, int tq, int tk, int dk, int dv, boolean causal, boolean padded) {
        NaiveAttention.Case c = NaiveAttention.Case.random(b, h, tq, tk, dk, dv, causal, padded, 0.8, 11);
        Tensor q = c.q(DType.FLOAT64).requiresGrad(true), k = c.k(DType.FLOAT64).requiresGrad(true),
                v = c.v(DType.FLOAT64).requiresGrad(true);
        Tensor out = sdpa(q, k, v, c.maskTensor(), causal, c.scale);
        out.backward(c.dOut(DType.FLOAT64));
        NaiveAttention.Result want = NaiveAttention.run(c);
        assertClose(want.out(), out, 1e-12, 1e-10, "out");
        assertClose(want.dq(), q.grad(), 1e-12, 1e-10, "dq");
        assertClose(want.dk(), k.grad(), 1e-12, 1e-10, "dk");
        assertClose(want.dv(), v.grad(), 1e-12, 1e-10, "dv");
    }

    @ParameterizedTest(name = "b{0} h{1} tq{2} tk{3} dk{4} dv{5} causal={6} padded={7}")
    @MethodSource("randomShapes")
    void float32MatchesNaiveLoopsWithinFloatTolerance(int b, int h, int tq, int tk, int dk, int dv, boolean causal, boolean padded) {
        NaiveAttention.Case c = NaiveAttention.Case.random(b, h, tq, tk, dk, dv, causal, padded, 0.8, 12);
        Tensor q = c.q(DType.FLOAT32).requiresGrad(true), k = c.k(DType.FLOAT32).requiresGrad(true),
                v = c.v(DType.FLOAT32).requiresGrad(true);
        Tensor out = sdpa(q, k, v, c.maskTensor(), causal, c.scale);
        out.backward(c.dOut(DType.FLOAT32));
        NaiveAttention.Result want = NaiveAttention.run(c);
        assertClose(want.out(), out, 1e-5, 1e-4, "out");
        assertClose(want.dq(), q.grad(), 1e-5, 1e-4, "dq");
        assertClose(want.dk(), k.grad(), 1e-5, 1e-4, "dk");
        assertClose(want.dv(), v.grad(), 1e-5, 1e-4, "dv");
    }

    @Test
    void defaultScaleIsOneOverSqrtDk() {
        NaiveAttention.Case c = NaiveAttention.Case.random(1, 2, 3, 4, 9, 2, false, false, 1.0 / 3.0, 13);
        Tensor out = sdpa(c.q(DType.FLOAT64), c.k(DType.FLOAT64), c.v(DType.FLOAT64), null, false, Double.NaN);
        assertClose(NaiveAttention.run(c).out(), out, 1e-12, 1e-10, "out with scale NaN");
    }

    @Test
    void maskOfAnyDTypeHidesTheSameKeys() {
        NaiveAttention.Case c = NaiveAttention.Case.random(2, 1, 3, 6, 4, 4, false, true, 0.5, 14);
        double[] ref = sdpa(c.q(DType.FLOAT64), c.k(DType.FLOAT64), c.v(DType.FLOAT64), c.maskTensor(), false, 0.5).toDoubleArray();
        for (DType maskType : DType.values()) {
            Tensor mask = Tensor.of(c.mask, Shape.of(2, 6), maskType, Device.CPU);
            Tensor out = sdpa(c.q(DType.FLOAT64), c.k(DType.FLOAT64), c.v(DType.FLOAT64), mask, false, 0.5);
            assertClose(ref, out, 0, 0, "mask as " + maskType);
        }
    }

    // ------------------------------------------------------------------ gradient checks

    static Stream<Arguments> gradCheckCases() {
        return Stream.of(Arguments.of(false, false), Arguments.of(true, false), Arguments.of(false, true), Arguments.of(true, true));
    }

    @ParameterizedTest(name = "causal={0} padded={1}")
    @MethodSource("gradCheckCases")
    void gradientsOfQKVMatchFiniteDifferences(boolean causal, boolean padded) {
        NaiveAttention.Case c = NaiveAttention.Case.random(2, 2, 3, 5, 3, 2, causal, padded, 0.9, 15);
        Tensor mask = c.maskTensor();
        AttentionGradCheck.check("sdpa causal=" + causal + " padded=" + padded,
                in -> sdpa(in[0], in[1], in[2], mask, causal, 0.9),
                c.q(DType.FLOAT64).requiresGrad(true), c.k(DType.FLOAT64).requiresGrad(true),
                c.v(DType.FLOAT64).requiresGrad(true));
    }

    @Test
    void gradientsMatchFiniteDifferencesAcrossKeyBlocks() {
        NaiveAttention.Case c = NaiveAttention.Case.random(1, 1, 2, 140, 2, 2, true, true, 1.0, 16);
        Tensor mask = c.maskTensor();
        AttentionGradCheck.check("sdpa 140 keys", in -> sdpa(in[0], in[1], in[2], mask, true, 1.0),
                c.q(DType.FLOAT64).requiresGrad(true), c.k(DType.FLOAT64).requiresGrad(true),
                c.v(DType.FLOAT64).requiresGrad(true));
    }

    @Test
    void onlyInputsThatRequireGradReceiveOne() {
        NaiveAttention.Case c = NaiveAttention.Case.random(1, 1, 3, 4, 2, 2, false, false, 1.0, 17);
        Tensor q = c.q(DType.FLOAT64), k = c.k(DType.FLOAT64).requiresGrad(true), v = c.v(DType.FLOAT64);
        sdpa(q, k, v, null, false, 1.0).backward(c.dOut(DType.FLOAT64));
        assertTrue(q.grad() == null && v.grad() == null, "q and v need no gradient");
        assertClose(NaiveAttention.run(c).dk(), k.grad(), 1e-12, 1e-10, "dk");
    }

    // ------------------------------------------------------------------ fully masked rows

    @Test
    void rowsWithEveryKeyPaddedGiveZerosAndZeroGradients() {
        NaiveAttention.Case c = NaiveAttention.Case.random(2, 2, 3, 4, 3, 3, false, false, 1.0, 18);
        Tensor mask = Tensor.of(new long[]{0, 1, 0, 0, 1, 1, 1, 1}, 2, 4);
        Tensor q = c.q(DType.FLOAT64).requiresGrad(true), k = c.k(DType.FLOAT64).requiresGrad(true),
                v = c.v(DType.FLOAT64).requiresGrad(true);
        Tensor out = sdpa(q, k, v, mask, false, 1.0);
        out.backward(c.dOut(DType.FLOAT64));
        int half = 2 * 3 * 3;                           // batch 1 is every row of the second half
        assertAllZero(out.toDoubleArray(), half, "out of batch 1");
        assertAllZero(q.grad().toDoubleArray(), half, "dq of batch 1");
        assertAllZero(k.grad().toDoubleArray(), 2 * 4 * 3, "dk of batch 1");
        assertAllZero(v.grad().toDoubleArray(), 2 * 4 * 3, "dv of batch 1");
        assertTrue(Math.abs(out.toDoubleArray()[0]) > 0, "batch 0 still attends");
    }

    @Test
    void causalQueriesBeforeTheFirstKeyGiveZerosWithoutNaN() {
        // tq 5 > tk 3: queries 0 and 1 see j <= i - 2, i.e. nothing.
        NaiveAttention.Case c = NaiveAttention.Case.random(1, 1, 5, 3, 2, 2, true, false, 1.0, 19);
        for (DType dtype : new DType[]{DType.FLOAT64, DType.FLOAT32}) {
            Tensor q = c.q(dtype).requiresGrad(true), k = c.k(dtype).requiresGrad(true), v = c.v(dtype).requiresGrad(true);
            Tensor out = sdpa(q, k, v, null, true, 1.0);
            out.backward(c.dOut(dtype));
            double[] o = out.toDoubleArray(), dq = q.grad().toDoubleArray();
            for (double x : o) assertTrue(Double.isFinite(x), dtype + " output is finite");
            for (double x : dq) assertTrue(Double.isFinite(x), dtype + " dq is finite");
            assertAllZero(java.util.Arrays.copyOf(o, 4), 0, dtype + " rows 0 and 1");
            assertAllZero(java.util.Arrays.copyOf(dq, 4), 0, dtype + " dq rows 0 and 1");
            assertClose(NaiveAttention.run(c).out(), o, 1e-5, 1e-4, dtype + " out");
        }
    }

    private static void assertAllZero(double[] a, int from, String what) {
        for (int i = from; i < a.length; i++) assertEquals(0.0, a[i], 0.0, what + " element " + i);
    }

    // ------------------------------------------------------------------ bad input

    private static Tensor t(DType dtype, int... dims) {
        return dtype.isFloating() ? TestTensors.random(1, dtype, Device.CPU, dims) : Tensor.zeros(Shape.of(dims), dtype, Device.CPU);
    }

    private static void assertRejects(Class<? extends NablaException> type, Runnable call, String... fragments) {
        NablaException e = assertThrows(type, call::run);
        assertTrue(e.getMessage().contains("scaled_dot_product_attention"), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message should name " + f + ": " + e.getMessage());
    }

    @Test
    void rejectsQOfRankThree() {
        assertRejects(ShapeMismatchException.class, () -> sdpa(t(DType.FLOAT64, 2, 3, 4), t(DType.FLOAT64, 1, 2, 3, 4),
                t(DType.FLOAT64, 1, 2, 3, 4), null, false, Double.NaN), "[2, 3, 4]");
    }

    @Test
    void rejectsBatchOrHeadsThatDifferBetweenQAndK() {
        assertRejects(ShapeMismatchException.class, () -> sdpa(t(DType.FLOAT64, 2, 2, 3, 4), t(DType.FLOAT64, 2, 3, 5, 4),
                t(DType.FLOAT64, 2, 3, 5, 4), null, false, Double.NaN), "[2, 2, 3, 4]", "[2, 3, 5, 4]");
    }

    @Test
    void rejectsDkThatDiffersBetweenQAndK() {
        assertRejects(ShapeMismatchException.class, () -> sdpa(t(DType.FLOAT64, 1, 2, 3, 4), t(DType.FLOAT64, 1, 2, 5, 6),
                t(DType.FLOAT64, 1, 2, 5, 4), null, false, Double.NaN), "[1, 2, 3, 4]", "[1, 2, 5, 6]");
    }

    @Test
    void rejectsVWhoseLengthDiffersFromK() {
        assertRejects(ShapeMismatchException.class, () -> sdpa(t(DType.FLOAT64, 1, 2, 3, 4), t(DType.FLOAT64, 1, 2, 5, 4),
                t(DType.FLOAT64, 1, 2, 6, 4), null, false, Double.NaN), "[1, 2, 6, 4]", "[1, 2, 5, 4]");
    }

    @Test
    void rejectsMaskNotShapedBatchByKeys() {
        assertRejects(ShapeMismatchException.class, () -> sdpa(t(DType.FLOAT64, 2, 2, 3, 4), t(DType.FLOAT64, 2, 2, 5, 4),
                t(DType.FLOAT64, 2, 2, 5, 4), Tensor.zeros(Shape.of(2, 3), DType.INT64), false, Double.NaN), "[2, 3]", "[2, 5]");
    }

    @Test
    void rejectsIntegerInputs() {
        assertRejects(DTypeMismatchException.class, () -> sdpa(t(DType.INT32, 1, 1, 2, 2), t(DType.INT32, 1, 1, 2, 2),
                t(DType.INT32, 1, 1, 2, 2), null, false, Double.NaN), "INT32");
    }

    @Test
    void rejectsMixedDTypes() {
        assertRejects(DTypeMismatchException.class, () -> sdpa(t(DType.FLOAT32, 1, 1, 2, 2), t(DType.FLOAT64, 1, 1, 2, 2),
                t(DType.FLOAT32, 1, 1, 2, 2), null, false, Double.NaN), "FLOAT32", "FLOAT64");
    }

    @Test
    void rejectsEmptySequences() {
        assertRejects(InvalidArgumentException.class, () -> sdpa(t(DType.FLOAT64, 1, 1, 0, 2), t(DType.FLOAT64, 1, 1, 2, 2),
                t(DType.FLOAT64, 1, 1, 2, 2), null, false, Double.NaN), "[1, 1, 0, 2]");
    }

    @Test
    void rejectsInfiniteScale() {
        assertRejects(InvalidArgumentException.class, () -> sdpa(t(DType.FLOAT64, 1, 1, 2, 2), t(DType.FLOAT64, 1, 1, 2, 2),
                t(DType.FLOAT64, 1, 1, 2, 2), null, false, Double.POSITIVE_INFINITY), "Infinity");
    }

    @Test
    void rejectsAClosedKey() {
        Tensor k = t(DType.FLOAT64, 1, 1, 2, 2);
        k.close();
        assertRejects(TensorClosedException.class, () -> sdpa(t(DType.FLOAT64, 1, 1, 2, 2), k,
                t(DType.FLOAT64, 1, 1, 2, 2), null, false, Double.NaN), "[1, 1, 2, 2]");
    }

    @Test
    void forwardWithoutGradRecordsNoGraph() {
        Tensor q = t(DType.FLOAT64, 1, 1, 2, 2).requiresGrad(true);
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            Tensor out = sdpa(q, t(DType.FLOAT64, 1, 1, 2, 2), t(DType.FLOAT64, 1, 1, 2, 2), null, false, Double.NaN);
            assertTrue(!out.requiresGrad() && out.isLeaf(), "no grad_fn under noGrad");
        }
    }
}

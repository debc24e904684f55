package dev.nabla.runtime.nn;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.SecondOrderCheck;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PackedAttentionOps}: the same values and gradients as the composite it replaces (reshape, permute,
 * narrows, scaled dot-product attention, permute back), its own finite-difference and double-backward checks,
 * its memory returned, and bad input rejected before anything is allocated.
 */
class PackedAttentionTest {
    static Stream<Arguments> cases() {
        return TestDevices.all().flatMap(d -> Stream.of(DType.FLOAT64, DType.FLOAT32).flatMap(dt -> Stream.of(
                Arguments.of(d, dt, true, false), Arguments.of(d, dt, false, false), Arguments.of(d, dt, true, true))));
    }

    private static Tensor mask(int b, int t, Device dev) {
        long[] m = new long[b * t];
        for (int i = 0; i < b; i++) for (int j = 0; j < t; j++) m[i * t + j] = j >= t - 1 - i ? 1 : 0; // pad the last keys
        return Tensor.of(m, Shape.of(b, t), DType.INT64, dev);
    }

    @ParameterizedTest(name = "{0} {1} causal={2} masked={3}")
    @MethodSource("cases")
    void matchesTheCompositeForwardAndBackward(Device dev, DType dt, boolean causal, boolean masked) {
        int b = 3, t = 37, heads = 4, d = 8, c = heads * d; // t spans more than one key block of the CPU kernel
        try (Scope s = Scope.open()) {
            Tensor qkv = TestTensors.random(5, dt, dev, b, t, 3 * c).requiresGrad(true);
            Tensor qkv2 = qkv.detach().copy().requiresGrad(true);
            Tensor m = masked ? mask(b, t, dev) : null;
            Tensor g = TestTensors.random(6, dt, dev, b, t, c);
            Tensor y = PackedAttentionOps.selfAttention(qkv, heads, m, causal, Double.NaN);
            Tensor want = PackedAttentionOps.composite(qkv2, heads, m, causal, 1.0 / Math.sqrt(d));
            TestTensors.assertShape(y, b, t, c);
            assertClose(want.toDoubleArray(), y, TestDevices.atol(dt), TestDevices.rtol(dt), "output");
            y.backward(g);
            want.backward(g);
            assertClose(qkv2.grad().toDoubleArray(), qkv.grad(), TestDevices.atol(dt), TestDevices.rtol(dt), "dqkv");
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Tensor m = mask(2, 5, Device.CPU);
        for (boolean causal : new boolean[]{true, false}) {
            GradCheck.check("self_attention_packed causal=" + causal,
                    in -> PackedAttentionOps.selfAttention(in[0], 2, m, causal, 0.7),
                    TestTensors.randomDouble(7, 2, 5, 3 * 2 * 3).requiresGrad(true));
        }
    }

    @Test
    void doubleBackwardGoesThroughTheComposite() {
        SecondOrderCheck.check("self_attention_packed double backward",
                in -> PackedAttentionOps.selfAttention(in[0], 2, null, true, Double.NaN),
                TestTensors.randomDouble(8, 2, 4, 2 * 2),
                TestTensors.randomDouble(9, 2, 4, 3 * 2 * 2).requiresGrad(true));
    }

    @Test
    void internalBuffersGoBackAfterBackwardAndWithoutGrad() {
        var be = Tensor.zeros(1).backend();
        Tensor qkv = TestTensors.random(3, DType.FLOAT32, Device.CPU, 2, 9, 3 * 12).requiresGrad(true);
        Tensor g = TestTensors.random(4, DType.FLOAT32, Device.CPU, 2, 9, 12);
        long base = be.memoryStats().allocated();
        Tensor y = PackedAttentionOps.selfAttention(qkv, 3, null, true, Double.NaN);
        y.backward(g);
        long afterBackward = be.memoryStats().allocated() - base;
        long kept = y.buffer().byteSize() + qkv.grad().buffer().byteSize();
        assertEquals(kept, afterBackward, "only the output and qkv's gradient stay after the backward");
        y.close();
        long base2 = be.memoryStats().allocated();
        Tensor y2 = PackedAttentionOps.selfAttention(qkv.detach(), 3, null, true, Double.NaN);
        assertTrue(y2.isLeaf() && !y2.requiresGrad(), "nothing recorded without grad");
        assertEquals(y2.buffer().byteSize(), be.memoryStats().allocated() - base2, "only the output is held");
        y2.close();
    }

    @Test
    void badInputIsRejectedWithTheOpAndShapes() {
        Tensor qkv = Tensor.zeros(Shape.of(2, 5, 18), DType.FLOAT32, Device.CPU);
        Tensor flat = Tensor.zeros(Shape.of(5, 18), DType.FLOAT32, Device.CPU);
        Tensor badMask = Tensor.zeros(Shape.of(2, 4), DType.INT64, Device.CPU);
        Tensor ints = Tensor.zeros(Shape.of(2, 5, 18), DType.INT32, Device.CPU);
        var be = qkv.backend();
        long before = TestTensors.settledAllocated(be);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> PackedAttentionOps.selfAttention(qkv, 4, null, true, Double.NaN));
        assertTrue(e.getMessage().contains("self_attention_packed") && e.getMessage().contains("[2, 5, 18]"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> PackedAttentionOps.selfAttention(qkv, 0, null, true, Double.NaN));
        assertThrows(ShapeMismatchException.class, () -> PackedAttentionOps.selfAttention(flat, 3, null, true, Double.NaN));
        ShapeMismatchException em = assertThrows(ShapeMismatchException.class,
                () -> PackedAttentionOps.selfAttention(qkv, 3, badMask, true, Double.NaN));
        assertTrue(em.getMessage().contains("[2, 4]") && em.getMessage().contains("[2, 5]"), em.getMessage());
        assertThrows(InvalidArgumentException.class, () -> PackedAttentionOps.selfAttention(qkv, 3, null, true, Double.POSITIVE_INFINITY));
        assertThrows(RuntimeException.class, () -> PackedAttentionOps.selfAttention(ints, 3, null, true, Double.NaN));
        assertEquals(before, be.memoryStats().allocated(), "nothing half-allocated");
    }
}

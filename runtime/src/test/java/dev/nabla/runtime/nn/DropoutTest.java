package dev.nabla.runtime.nn;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;
import dev.nabla.runtime.random.Philox;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropoutTest {
    private static Tensor ones(int n, DType t) { return Tensor.ones(Shape.of(n), t); }

    @Test void philoxMatchesTheRandom123KnownAnswer() {
        // Random123 kat_vectors: philox4x32_10 with counter 0 and key 0.
        assertArrayEquals(new int[]{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, Philox.block(0, 0));
    }

    @Test void maskForAFixedSeedIsStable() {
        // Values from an independent Python Philox4x32-10: uniforms at positions 0..11 of seed 42 are
        // 0.6130 0.4686 0.0732 0.3409 0.9877 0.3271 0.5139 0.4543 0.8259 0.6583 0.6027 0.7736.
        // The GPU kernel must give exactly these.
        float[] expected = {2, 0, 0, 0, 2, 0, 2, 0, 2, 2, 2, 2};
        for (DType t : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            Tensor y = DropoutOps.dropout(ones(12, t), 0.5, true, new Generator(42));
            assertArrayEquals(expected, y.toFloatArray(), t.toString());
        }
        assertEquals(0.6129598617553711, Philox.uniform(42, 0), 0);
        assertEquals(0.07323169708251953, Philox.uniform(42, 2), 0);
    }

    @Test void sameSeedGivesTheSameMaskAndTheGeneratorMovesOn() {
        Generator g1 = new Generator(7), g2 = new Generator(7);
        Tensor x = ones(1000, DType.FLOAT32);
        float[] a = DropoutOps.dropout(x, 0.4, true, g1).toFloatArray();
        assertArrayEquals(a, DropoutOps.dropout(x, 0.4, true, g2).toFloatArray());
        assertEquals(1000, g1.offset());
        assertFalse(java.util.Arrays.equals(a, DropoutOps.dropout(x, 0.4, true, g1).toFloatArray()));
    }

    @Test void droppedFractionIsPAndTheMeanIsPreserved() {
        int n = 200_000;
        double p = 0.3;
        Tensor x = Tensor.full(Shape.of(n), 2.0, DType.FLOAT64, Device.CPU);
        double[] y = DropoutOps.dropout(x, p, true, new Generator(3)).toDoubleArray();
        int dropped = 0;
        double sum = 0;
        for (double v : y) {
            if (v == 0) dropped++;
            else assertEquals(2.0 / (1 - p), v, 1e-12);
            sum += v;
        }
        assertEquals(p, dropped / (double) n, 0.005);
        assertEquals(2.0, sum / n, 0.02);
    }

    @Test void evaluationAndZeroProbabilityReturnTheInput() {
        Tensor x = ones(10, DType.FLOAT32);
        assertSame(x, DropoutOps.dropout(x, 0.5, false, new Generator(1)));
        assertSame(x, DropoutOps.dropout(x, 0.0, true, new Generator(1)));
    }

    @Test void probabilityOutsideZeroToOneIsRejected() {
        Tensor x = ones(4, DType.FLOAT32);
        for (double p : new double[]{1.0, -0.1, Double.NaN, 1.5}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> DropoutOps.dropout(x, p, true, new Generator(1)));
            assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        }
    }

    @Test void backwardMultipliesByTheSameMask() {
        Tensor x = Tensor.full(Shape.of(64), 3.0, DType.FLOAT64, Device.CPU).requiresGrad(true);
        Tensor y = DropoutOps.dropout(x, 0.5, true, new Generator(11));
        y.sum().backward();
        double[] yv = y.toDoubleArray(), gv = x.grad().toDoubleArray();
        for (int i = 0; i < yv.length; i++) assertEquals(yv[i] / 3.0, gv[i], 1e-15, "element " + i);
    }

    @Test void gradientPassesGradCheckWithAFixedSeed() {
        // A fresh generator per call gives the same mask at every finite-difference evaluation.
        Tensor x = dev.nabla.runtime.TestTensors.randomDouble(17, 3, 5).requiresGrad(true);
        dev.nabla.runtime.GradCheck.check("dropout", in -> DropoutOps.dropout(in[0], 0.3, true, new Generator(5)), x);
    }

    @Test void integerInputIsRejected() {
        Tensor x = Tensor.of(new int[]{1, 2}, 2);
        assertThrows(dev.nabla.runtime.DTypeMismatchException.class, () -> DropoutOps.dropout(x, 0.5, true, new Generator(1)));
    }
}

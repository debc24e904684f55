package dev.nabla.runtime;

import dev.nabla.runtime.random.Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Factories' bad sizes, scopes closing what they own, and the Philox stream addressed by seed and offset. */
class FactoryAndScopeContractTest {
    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention " + p);
    }

    private static void rejectsNegativeDim(Executable factory) {
        assertMentions(assertThrows(ShapeMismatchException.class, factory), "-2", "[3, -2]", ">= 0");
    }

    @Test void everyFactoryRejectsANegativeDimNamingTheDims() {
        rejectsNegativeDim(() -> Tensor.zeros(3, -2));
        rejectsNegativeDim(() -> Tensor.ones(3, -2));
        rejectsNegativeDim(() -> Tensor.full(Shape.of(3, -2), 1, DType.FLOAT32, Device.CPU));
        rejectsNegativeDim(() -> Tensor.rand(Shape.of(3, -2), 1));
        rejectsNegativeDim(() -> Tensor.randn(Shape.of(3, -2), 1));
        rejectsNegativeDim(() -> Tensor.of(new float[0], 3, -2));
    }

    @Test void aZeroDimGivesAnEmptyTensorAsInPyTorch() {
        // Zero-size dims are legal (empty batches); only negative ones are rejected.
        Tensor t = Tensor.zeros(Shape.of(0, 3), DType.FLOAT32, Device.CPU);
        assertEquals(0, t.numel());
        assertArrayEquals(new int[]{0, 3}, t.dims());
        assertEquals(0, Tensor.rand(Shape.of(2, 0), 1).toFloatArray().length);
    }

    @Test void arangeTowardsTheWrongSideIsRejected() {
        assertMentions(assertThrows(InvalidArgumentException.class,
                () -> Tensor.arange(0, -3, 1, DType.FLOAT32, Device.CPU)), "arange", "-3");
    }

    @Test void randomFactoriesRejectIntegerDTypes() {
        assertMentions(assertThrows(DTypeMismatchException.class,
                () -> Tensor.rand(Shape.of(2), DType.INT32, Device.CPU, new Generator(1))), "INT32");
    }

    @Test void nanCannotFillAnIntegerTensor() {
        assertMentions(assertThrows(InvalidArgumentException.class,
                () -> Tensor.full(Shape.of(2), Double.NaN, DType.INT64, Device.CPU)), "full", "INT64");
    }

    @Test void aTensorCreatedInAScopeIsClosedAtItsEndAndItsUseThrows() {
        Tensor inner;
        Tensor result;
        try (Scope s = Scope.open()) {
            inner = Tensor.ones(Shape.of(2, 3), DType.FLOAT32, Device.CPU);
            result = s.keep(inner.mul(2).sum());
        }
        assertTrue(inner.isClosed());
        var e = assertThrows(TensorClosedException.class, () -> inner.add(1));
        assertMentions(e, "add", "[2, 3]", "FactoryAndScopeContractTest");
        assertEquals(12.0, result.item());
        result.close();
    }

    @Test void opOutputsAndGradientsInsideAScopeAreClosedButLeafGradientsSurvive() {
        Tensor w = Tensor.of(new double[]{1, 2}, 2).requiresGrad(true);
        Tensor hidden;
        try (Scope s = Scope.open()) {
            hidden = w.exp();
            hidden.sum().backward();
        }
        assertTrue(hidden.isClosed());
        assertArrayEquals(new double[]{Math.exp(1), Math.exp(2)}, w.grad().toDoubleArray(), 1e-15);
    }

    @Test void closingAnOuterScopeBeforeTheInnerIsRejected() {
        Scope outer = Scope.open();
        Scope inner = Scope.open();
        try {
            assertMentions(assertThrows(IllegalStateException.class, outer::close), "innermost");
        } finally {
            inner.close();
            outer.close();
        }
    }

    @Test void generatorAtAnOffsetContinuesTheSameStream() {
        // seed + offset address the Philox stream: a draw at offset 8 equals positions 8.. of a draw from 0.
        double[] whole = Tensor.rand(Shape.of(20), DType.FLOAT64, Device.CPU, new Generator(9)).toDoubleArray();
        Generator g = new Generator(0);
        g.reset(9, 8);
        double[] tail = Tensor.rand(Shape.of(12), DType.FLOAT64, Device.CPU, g).toDoubleArray();
        assertArrayEquals(Arrays.copyOfRange(whole, 8, 20), tail, 0);
        assertEquals(20, g.offset());
    }

    @Test void consecutiveDrawsTileTheStreamInBlocksOfFour() {
        Generator g = new Generator(4);
        double[] a = Tensor.rand(Shape.of(3), DType.FLOAT64, Device.CPU, g).toDoubleArray();
        double[] b = Tensor.rand(Shape.of(4), DType.FLOAT64, Device.CPU, g).toDoubleArray();
        double[] whole = Tensor.rand(Shape.of(8), DType.FLOAT64, Device.CPU, new Generator(4)).toDoubleArray();
        assertArrayEquals(Arrays.copyOfRange(whole, 0, 3), a, 0);
        assertArrayEquals(Arrays.copyOfRange(whole, 4, 8), b, 0);
    }

    @Test void manualSeedResetsTheGlobalGenerator() {
        Generator.manualSeed(21);
        float[] a = Tensor.randn(Shape.of(5), DType.FLOAT32, Device.CPU, Generator.global()).toFloatArray();
        Generator.manualSeed(21);
        float[] b = Tensor.randn(Shape.of(5), DType.FLOAT32, Device.CPU, Generator.global()).toFloatArray();
        assertArrayEquals(a, b);
    }
}

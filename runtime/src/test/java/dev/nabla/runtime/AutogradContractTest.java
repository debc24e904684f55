package dev.nabla.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The autograd API promised by issue 2: backward forms, freed graphs, detach and noGrad. */
class AutogradContractTest {
    private static Tensor leaf(double... v) { return Tensor.of(v, v.length).requiresGrad(true); }

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention " + p);
    }

    @Test void secondBackwardThroughAFreedGraphNamesTheOpAndTheFix() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.exp().sum();
        y.backward();
        var e = assertThrows(AutogradException.class, y::backward);
        assertMentions(e, "freed", "sum");
    }

    @Test void retainGraphAllowsASecondBackwardThatAccumulates() {
        Tensor x = leaf(1, 2, 3);
        Tensor y = x.square().sum();
        y.backward(Tensor.scalar(1, DType.FLOAT64, Device.CPU), true, false);
        y.backward();
        assertArrayEquals(new double[]{4, 8, 12}, x.grad().toDoubleArray(), 0);
    }

    @Test void backwardOfANonScalarWithoutAGradientNamesTheShape() {
        Tensor y = leaf(1, 2, 3).mul(2);
        assertMentions(assertThrows(AutogradException.class, y::backward), "non-scalar", "[3]");
    }

    @Test void backwardWithAnUpstreamGradientGivesTheVectorJacobianProduct() {
        Tensor x = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor g = Tensor.of(new double[]{1, -1, 2, 0, 3, -2}, 2, 3);
        x.square().backward(g);
        assertArrayEquals(new double[]{2, -4, 12, 0, 30, -24}, x.grad().toDoubleArray(), 0);
    }

    @Test void upstreamGradientOfTheWrongShapeNamesBothShapes() {
        Tensor y = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true).mul(2);
        var e = assertThrows(ShapeMismatchException.class, () -> y.backward(Tensor.zeros(Shape.of(3, 2), DType.FLOAT64)));
        assertMentions(e, "backward", "[3, 2]", "[2, 3]");
    }

    @Test void backwardOfATensorThatDoesNotRequireGradIsRejected() {
        Tensor y = Tensor.of(new double[]{1, 2}, 2).sum();
        assertMentions(assertThrows(AutogradException.class, y::backward), "backward", "does not require grad");
    }

    @Test void backwardOfAClosedTensorIsRejected() {
        Tensor y = leaf(1, 2).sum();
        y.close();
        assertMentions(assertThrows(TensorClosedException.class, y::backward), "backward");
    }

    @Test void detachCutsTheGraphButSharesTheValues() {
        Tensor x = leaf(1, 2, 3);
        Tensor h = x.mul(3);
        Tensor d = h.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        assertArrayEquals(h.toDoubleArray(), d.toDoubleArray(), 0);
        // Only the path through x itself reaches x: d(x * detach(3x))/dx = 3x.
        x.mul(d).sum().backward();
        assertArrayEquals(new double[]{3, 6, 9}, x.grad().toDoubleArray(), 0);
    }

    @Test void noGradRecordsNothingAndRestoresOnClose() {
        Tensor x = leaf(1, 2, 3);
        Tensor y;
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            try (Autograd.NoGrad nested = Autograd.noGrad()) {
                assertFalse(Autograd.isGradEnabled());
            }
            assertFalse(Autograd.isGradEnabled(), "the outer noGrad is still open");
            y = x.exp().mul(x).sum();
        }
        assertTrue(Autograd.isGradEnabled());
        assertFalse(y.requiresGrad());
        assertNull(y.gradFnName());
        assertTrue(x.exp().requiresGrad(), "recording resumes after noGrad");
    }

    @Test void gradientsAccumulateUntilZeroed() {
        Tensor x = leaf(1, -2);
        x.mul(3).sum().backward();
        x.mul(3).sum().backward();
        assertArrayEquals(new double[]{6, 6}, x.grad().toDoubleArray(), 0);
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(3).sum().backward();
        assertArrayEquals(new double[]{3, 3}, x.grad().toDoubleArray(), 0);
    }

    @Test void inputsThatDoNotRequireGradGetNoGradient() {
        Tensor x = leaf(1, 2);
        Tensor c = Tensor.of(new double[]{5, 7}, 2);
        x.mul(c).sum().backward();
        assertNull(c.grad());
        assertArrayEquals(new double[]{5, 7}, x.grad().toDoubleArray(), 0);
    }

    @Test void requiresGradFalseOnAnOpOutputPointsToDetach() {
        Tensor y = leaf(1, 2).exp();
        assertEquals("exp", y.gradFnName());
        assertMentions(assertThrows(AutogradException.class, () -> y.requiresGrad(false)), "detach", "exp");
    }

    @Test void gradOfAnInputThatDoesNotRequireGradIsRejected() {
        Tensor x = leaf(1, 2);
        Tensor c = Tensor.of(new double[]{5, 7}, 2);
        Tensor y = x.mul(c).sum();
        var e = assertThrows(AutogradException.class, () -> Autograd.grad(y, new Tensor[]{c}, null, false, false));
        assertMentions(e, "grad", "[2]");
    }
}

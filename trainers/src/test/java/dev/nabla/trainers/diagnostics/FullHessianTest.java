package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FullHessianTest {

    @Test
    void quadraticBowlHessianIsA() {
        double[][] a = KnownFunctions.spd(21, 0.25, 1, 1.5, 4);
        Tensor x = KnownFunctions.param(1, -1, 0.5, 2);
        FullHessian h = FullHessian.compute(HessianVectorProduct.of(List.of(x), KnownFunctions.quadratic(a, x)));
        for (int i = 0; i < 4; i++) assertArrayEquals(a[i], h.matrix()[i], 1e-12, "row " + i);
        assertArrayEquals(new double[]{0.25, 1, 1.5, 4}, h.eigen().values(), 1e-12);
    }

    @Test
    void saddleHessianIsDiagTwoMinusTwo() {
        Tensor x = KnownFunctions.param(0);
        Tensor y = KnownFunctions.param(0);
        FullHessian h = FullHessian.compute(HessianVectorProduct.of(List.of(x, y), KnownFunctions.saddle(x, y)));
        assertArrayEquals(new double[]{2, 0}, h.matrix()[0], 0);
        assertArrayEquals(new double[]{0, -2}, h.matrix()[1], 0);
        assertArrayEquals(new double[]{-2, 2}, h.eigen().values(), 1e-15);
    }

    @Test
    void modelAboveTheLimitIsRefused() {
        Tensor x = KnownFunctions.param(new double[10]);
        HessianVectorProduct hvp = HessianVectorProduct.of(List.of(x), () -> x.square().sum());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> FullHessian.compute(hvp, 5));
        assertTrue(e.getMessage().contains("10 parameters exceed the limit of 5"), e.getMessage());
    }

    @Test
    void explicitMatrixIsCopied() {
        double[][] m = {{1, 2}, {2, 1}};
        FullHessian h = FullHessian.of(m);
        m[0][0] = 99;
        assertEquals(1, h.get(0, 0));
        assertArrayEquals(new double[]{-1, 3}, h.eigen().values(), 1e-14);
    }
}

package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestTensors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HessianVectorProductTest {
    private static final double[][] A = KnownFunctions.spd(11, 0.5, 1, 2, 3.5, 6);

    @Test
    void quadraticBowlProductIsAv() {
        Tensor x = KnownFunctions.param(0.3, -1, 2, 0.1, -0.7);
        HessianVectorProduct hvp = HessianVectorProduct.of(List.of(x), KnownFunctions.quadratic(A, x));
        double[] v = {1, -2, 0.5, 3, -1};
        TestTensors.assertClose(KnownFunctions.times(A, v), hvp.apply(v), 1e-12, 0, "H v");
    }

    @Test
    void quadraticBowlGradientIsAx() {
        double[] x0 = {0.3, -1, 2, 0.1, -0.7};
        Tensor x = KnownFunctions.param(x0);
        HessianVectorProduct hvp = HessianVectorProduct.of(List.of(x), KnownFunctions.quadratic(A, x));
        TestTensors.assertClose(KnownFunctions.times(A, x0), hvp.gradient(), 1e-12, 0, "gradient");
        assertEquals(KnownFunctions.quadraticValue(A, x0), hvp.loss(), 1e-12);
    }

    @Test
    void productsLeaveParameterGradientsUntouched() {
        Tensor x = KnownFunctions.param(1, 2, 3, 4, 5);
        HessianVectorProduct.of(List.of(x), KnownFunctions.quadratic(A, x)).apply(new double[]{1, 0, 0, 0, 0});
        assertNull(x.grad());
    }

    @Test
    void sessionReusesOneGraphForManyProducts() {
        Tensor x = KnownFunctions.param(0.1, 0.2, 0.3, 0.4, 0.5);
        HessianVectorProduct hvp = HessianVectorProduct.of(List.of(x), KnownFunctions.quadratic(A, x));
        try (HessianVectorProduct.Session s = hvp.open()) {
            for (int j = 0; j < 5; j++) {
                double[] e = new double[5];
                e[j] = 1;
                double[] col = s.apply(e);
                for (int i = 0; i < 5; i++) assertEquals(A[i][j], col[i], 1e-12, "H e_" + j + " at " + i);
            }
        }
        assertEquals(5, hvp.products());
    }

    @Test
    void productsAcrossSeveralParameterTensorsUseFlatOrder() {
        // f(x, y) = x² − y² with x, y separate tensors: H = diag(2, −2).
        Tensor x = KnownFunctions.param(0.5);
        Tensor y = KnownFunctions.param(-0.25);
        HessianVectorProduct hvp = HessianVectorProduct.of(List.of(x, y), KnownFunctions.saddle(x, y));
        assertArrayEquals(new double[]{6, 4}, hvp.apply(new double[]{3, -2}), 1e-14);
    }

    @Test
    void lossLinearInParametersHasZeroHessian() {
        Tensor x = KnownFunctions.param(1, 2);
        HessianVectorProduct hvp = HessianVectorProduct.of(List.of(x), () -> x.mul(3.0).sum());
        assertArrayEquals(new double[]{0, 0}, hvp.apply(new double[]{1, 1}));
    }

    @Test
    void tinyMlpHessianIsSymmetricAndMatchesFiniteDifferencesOfGradients() {
        KnownFunctions.Model mlp = KnownFunctions.tinyMlp();
        List<Tensor> params = mlp.params();
        Supplier<Tensor> loss = mlp.loss();
        HessianVectorProduct hvp = HessianVectorProduct.of(params, loss);
        FullHessian h = FullHessian.compute(hvp);
        int n = 21;
        assertEquals(n, h.dimension());
        assertTrue(h.asymmetry() < 1e-12, "max |H - Hᵀ| = " + h.asymmetry());

        double[] theta = ParameterVector.flatten(params);
        double eps = 1e-5;
        for (int j = 0; j < n; j++) {
            double[] plus = theta.clone(), minus = theta.clone();
            plus[j] += eps;
            minus[j] -= eps;
            ParameterVector.assign(params, plus);
            double[] gp = hvp.gradient();
            ParameterVector.assign(params, minus);
            double[] gm = hvp.gradient();
            for (int i = 0; i < n; i++) {
                assertEquals((gp[i] - gm[i]) / (2 * eps), h.get(i, j), 1e-7, "H[" + i + "][" + j + "]");
            }
        }
        ParameterVector.assign(params, theta);
    }

    @Test
    void vectorOfWrongLengthIsRejected() {
        Tensor x = KnownFunctions.param(1, 2, 3, 4, 5);
        HessianVectorProduct hvp = HessianVectorProduct.of(List.of(x), KnownFunctions.quadratic(A, x));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> hvp.apply(new double[3]));
        assertTrue(e.getMessage().contains("3 values for 5 parameters") && e.getMessage().contains("[5]"), e.getMessage());
    }

    @Test
    void parameterWithoutGradIsRejected() {
        Tensor x = Tensor.of(new double[]{1, 2}, Shape.of(2), DType.FLOAT64, Device.CPU);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> HessianVectorProduct.of(List.of(x), () -> x.sum()));
        assertTrue(e.getMessage().contains("does not require grad") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void nonScalarLossIsRejected() {
        Tensor x = KnownFunctions.param(1, 2);
        HessianVectorProduct hvp = HessianVectorProduct.of(List.of(x), () -> x.square());
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> hvp.apply(new double[2]));
        assertTrue(e.getMessage().contains("scalar") && e.getMessage().contains("[2]"), e.getMessage());
    }
}

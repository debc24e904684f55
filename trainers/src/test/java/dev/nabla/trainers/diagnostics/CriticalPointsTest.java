package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nabla.trainers.diagnostics.CriticalPoints.SpectrumSource.FULL_HESSIAN;
import static dev.nabla.trainers.diagnostics.CriticalPoints.SpectrumSource.LANCZOS_ESTIMATE;
import static dev.nabla.trainers.diagnostics.CriticalPoints.Verdict;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CriticalPointsTest {
    private static final CriticalPoints.Options OPTIONS = CriticalPoints.Options.defaults();

    @Test
    void quadraticBowlAtOriginIsLocalMinimum() {
        double[][] a = KnownFunctions.spd(31, 0.5, 1, 2, 5);
        Tensor x = KnownFunctions.param(0, 0, 0, 0);
        CriticalPoints.Report r = CriticalPoints.classify(List.of(x), KnownFunctions.quadratic(a, x), OPTIONS);
        assertEquals(Verdict.LOCAL_MINIMUM, r.verdict());
        assertEquals(FULL_HESSIAN, r.source());
        assertArrayEquals(new double[]{0.5, 1, 2, 5}, r.eigenvalues(), 1e-12);
        assertEquals(1.0, r.positiveRatio());
        assertTrue(r.descent().isEmpty());
        assertNull(r.descentDirection());
    }

    @Test
    void quadraticBowlByLanczosHasTheExtremeEigenvaluesOfA() {
        double[] spectrum = {0.1, 0.4, 0.9, 1.3, 2, 2.2, 3, 3.5, 4, 8};
        double[][] a = KnownFunctions.spd(32, spectrum);
        Tensor x = KnownFunctions.param(new double[10]);
        CriticalPoints.Report r = CriticalPoints.classify(List.of(x), KnownFunctions.quadratic(a, x),
                OPTIONS.withFullSpectrumLimit(0).withLanczos(10, 1));
        assertEquals(LANCZOS_ESTIMATE, r.source());
        assertEquals(0.1, r.smallestEigenvalue(), 1e-10);
        assertEquals(8, r.largestEigenvalue(), 1e-10);
        assertEquals(Verdict.LOCAL_MINIMUM, r.verdict());
        assertEquals(1.0, r.positiveRatio());
    }

    @Test
    void saddleXSquaredMinusYSquaredIsSaddlePointWithHalfPositive() {
        Tensor x = KnownFunctions.param(0);
        Tensor y = KnownFunctions.param(0);
        CriticalPoints.Report r = CriticalPoints.classify(List.of(x, y), KnownFunctions.saddle(x, y), OPTIONS);
        assertEquals(Verdict.SADDLE_POINT, r.verdict());
        assertArrayEquals(new double[]{-2, 2}, r.eigenvalues(), 1e-15);
        assertEquals(0.5, r.positiveRatio());
        assertEquals(0, r.gradientNorm());
    }

    @Test
    void saddleLossFallsAlongTheNegativeEigenvector() {
        Tensor x = KnownFunctions.param(0);
        Tensor y = KnownFunctions.param(0);
        CriticalPoints.Report r = CriticalPoints.classify(List.of(x, y), KnownFunctions.saddle(x, y),
                OPTIONS.withSteps(0.1, 0.5, 1, 2));
        assertEquals(0, r.descentDirection()[0], 1e-15, "the y axis");
        assertEquals(1, Math.abs(r.descentDirection()[1]), 1e-15);
        List<CriticalPoints.StepLoss> d = r.descent();
        assertEquals(5, d.size());
        for (int i = 1; i < d.size(); i++) {
            double t = d.get(i).step();
            assertTrue(d.get(i).loss() < d.get(i - 1).loss(), "loss falls at step " + t);
            assertEquals(-t * t, d.get(i).loss(), 1e-12, "f(0, t) = -t²");
            assertEquals(-t * t, d.get(i).predicted(), 1e-12);
        }
        assertEquals(0, x.item());
        assertEquals(0, y.item(), "parameters restored after the probe");
    }

    @Test
    void negativeQuadraticIsLocalMaximum() {
        Tensor x = KnownFunctions.param(0);
        Tensor y = KnownFunctions.param(0);
        CriticalPoints.Report r = CriticalPoints.classify(List.of(x, y), KnownFunctions.maximum(x, y), OPTIONS);
        assertEquals(Verdict.LOCAL_MAXIMUM, r.verdict());
        assertArrayEquals(new double[]{-2, -2}, r.eigenvalues(), 1e-15);
        assertEquals(0.0, r.positiveRatio());
    }

    @Test
    void zeroEigenvalueMakesTheTestInconclusive() {
        Tensor x = KnownFunctions.param(0, 0);
        CriticalPoints.Report r = CriticalPoints.classify(List.of(x), KnownFunctions.diagonal(new double[]{1, 0}, x), OPTIONS);
        assertEquals(Verdict.DEGENERATE, r.verdict());
        assertEquals(0.5, r.positiveRatio());
    }

    @Test
    void pointWithLargeGradientIsNotCritical() {
        Tensor x = KnownFunctions.param(1, 1);
        CriticalPoints.Report r = CriticalPoints.classify(List.of(x), KnownFunctions.diagonal(new double[]{1, 2}, x), OPTIONS);
        assertEquals(Verdict.NOT_CRITICAL, r.verdict());
        assertEquals(Math.sqrt(4 + 16), r.gradientNorm(), 1e-12);
    }

    @Test
    void lanczosEstimatesPositiveRatioOfLargeSaddle() {
        int n = 60;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = (i % 2 == 0 ? 1 : -1) * (0.5 + i / 10.0); // 30 positive, 30 negative
        Tensor x = KnownFunctions.param(new double[n]);
        CriticalPoints.Report r = CriticalPoints.classify(List.of(x), KnownFunctions.diagonal(d, x),
                OPTIONS.withFullSpectrumLimit(10).withLanczos(40, 8).withSteps(0.5));
        assertEquals(LANCZOS_ESTIMATE, r.source());
        assertEquals(Verdict.SADDLE_POINT, r.verdict());
        assertEquals(2 * d[59], r.smallestEigenvalue(), 1e-4);
        assertEquals(2 * d[58], r.largestEigenvalue(), 1e-4);
        assertEquals(0.5, r.positiveRatio(), 0.15);
        assertTrue(r.descent().get(1).loss() < r.descent().get(0).loss(), "loss falls along the Ritz vector");
        assertTrue(r.summary().contains("saddle point") && r.summary().contains("estimated"), r.summary());
    }
}

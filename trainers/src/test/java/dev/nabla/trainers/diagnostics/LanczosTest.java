package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LanczosTest {

    /** diag(-5, -4.9, ..., ) : 200 eigenvalues, well separated extremes. */
    private static double[][] diagonal(int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) a[i][i] = -5 + 10.0 * i / (n - 1) + (i == n - 1 ? 5 : 0);
        return a;
    }

    @Test
    void extremesOfLargeOperatorConvergeInFewIterations() {
        Lanczos.Result r = Lanczos.run(SymmetricOperator.ofMatrix(diagonal(200)), 60, 1L, false);
        assertEquals(10, r.largest(), 1e-8);
        assertEquals(-5, r.smallest(), 1e-3);
        assertTrue(r.largestResidual() < 1e-6, "residual " + r.largestResidual());
        assertNull(r.smallestVector());
    }

    @Test
    void fullKrylovSpaceGivesExactSpectrum() {
        double[] spectrum = {-2, 0.5, 1, 3, 7, 11};
        Lanczos.Result r = Lanczos.run(SymmetricOperator.ofMatrix(KnownFunctions.spd(5, spectrum)), 6, 2L, false);
        assertArrayEquals(spectrum, r.ritzValues(), 1e-10);
        assertEquals(6, r.iterations());
    }

    @Test
    void ritzVectorOfSmallestIsAnEigenvector() {
        double[][] a = KnownFunctions.spd(9, -3, 1, 2, 4, 8, 9);
        Lanczos.Result r = Lanczos.run(SymmetricOperator.ofMatrix(a), 6, 3L, true);
        double[] v = r.smallestVector();
        assertEquals(1, ParameterVector.norm(v), 1e-12);
        double[] av = KnownFunctions.times(a, v);
        for (int i = 0; i < v.length; i++) assertEquals(-3 * v[i], av[i], 1e-9, "A v = -3 v at " + i);
        assertEquals(9, ParameterVector.dot(r.largestVector(), KnownFunctions.times(a, r.largestVector())), 1e-9);
    }

    @Test
    void quadratureWeightsSumToOne() {
        Lanczos.Result r = Lanczos.run(SymmetricOperator.ofMatrix(diagonal(50)), 20, 4L, false);
        double s = 0;
        for (double w : r.weights()) s += w;
        assertEquals(1, s, 1e-12);
    }

    @Test
    void invariantStartVectorStopsEarlyWithExactValue() {
        double[][] a = {{2, 0, 0}, {0, 5, 0}, {0, 0, 7}};
        Lanczos.Result r = Lanczos.runFrom(SymmetricOperator.ofMatrix(a), new double[]{0, 3, 0}, 3, true);
        assertEquals(1, r.iterations());
        assertEquals(5, r.smallest(), 1e-15);
        assertEquals(0, r.smallestResidual(), 1e-15);
    }

    @Test
    void sameSeedGivesSameResult() {
        SymmetricOperator op = SymmetricOperator.ofMatrix(diagonal(80));
        assertArrayEquals(Lanczos.run(op, 10, 42L, false).ritzValues(), Lanczos.run(op, 10, 42L, false).ritzValues());
    }

    @Test
    void mlpHessianExtremesAgreeWithTheFullSpectrum() {
        KnownFunctions.Model mlp = KnownFunctions.tinyMlp();
        HessianVectorProduct hvp = HessianVectorProduct.of(mlp.params(), mlp.loss());
        SymmetricEigen full = FullHessian.compute(hvp).eigen();
        Lanczos.Result r = Lanczos.run(hvp, 21, 0L, true);
        assertEquals(full.smallest(), r.smallest(), 1e-9);
        assertEquals(full.largest(), r.largest(), 1e-9);
        double overlap = Math.abs(ParameterVector.dot(full.vector(0), r.smallestVector()));
        assertEquals(1, overlap, 1e-6, "Ritz vector of the smallest is the eigenvector");
    }

    @Test
    void nonPositiveIterationCountIsRejected() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Lanczos.run(SymmetricOperator.ofMatrix(diagonal(5)), 0, 0L, false));
        assertTrue(e.getMessage().contains("Lanczos.run") && e.getMessage().contains("0"), e.getMessage());
    }
}

package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SymmetricEigenTest {

    @Test
    void twoByTwoHasKnownEigenpairs() {
        SymmetricEigen eig = SymmetricEigen.of(new double[][]{{2, 1}, {1, 2}});
        assertArrayEquals(new double[]{1, 3}, eig.values(), 1e-14);
        double[] v0 = eig.vector(0);
        assertEquals(0, v0[0] + v0[1], 1e-14, "eigenvector of 1 is ±[1, -1]/√2");
        assertEquals(1 / Math.sqrt(2), Math.abs(v0[0]), 1e-14);
    }

    @Test
    void randomSymmetricMatrixIsReconstructedFromOrthonormalEigenvectors() {
        int n = 40;
        double[][] a = randomSymmetric(n, 7);
        SymmetricEigen eig = SymmetricEigen.of(a);
        double[] l = eig.values();
        for (int i = 1; i < n; i++) assertTrue(l[i - 1] <= l[i], "ascending order");
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = ParameterVector.dot(eig.vector(i), eig.vector(j));
                assertEquals(i == j ? 1 : 0, dot, 1e-12, "VᵀV at " + i + "," + j);
                double rec = 0;
                for (int k = 0; k < n; k++) rec += eig.vector(k)[i] * l[k] * eig.vector(k)[j];
                assertEquals(a[i][j], rec, 1e-11, "V Λ Vᵀ at " + i + "," + j);
            }
        }
    }

    @Test
    void givenSpectrumIsRecovered() {
        double[] spectrum = {-3, -0.5, 0, 0, 1e-3, 2, 2, 10};
        SymmetricEigen eig = SymmetricEigen.of(KnownFunctions.spd(3, spectrum));
        assertArrayEquals(spectrum, eig.values(), 1e-12);
    }

    @Test
    void tridiagonalAgreesWithDenseSolver() {
        double[] diag = {4, -1, 2, 0.5, 3};
        double[] off = {1, 0.3, -2, 0.7};
        double[][] dense = new double[5][5];
        for (int i = 0; i < 5; i++) dense[i][i] = diag[i];
        for (int i = 0; i < 4; i++) dense[i][i + 1] = dense[i + 1][i] = off[i];
        SymmetricEigen t = SymmetricEigen.ofTridiagonal(diag, off);
        assertArrayEquals(SymmetricEigen.of(dense).values(), t.values(), 1e-13);
        double[] v = t.vector(2);
        double[] av = KnownFunctions.times(dense, v);
        for (int i = 0; i < 5; i++) assertEquals(t.value(2) * v[i], av[i], 1e-12, "T v = λ v");
    }

    @Test
    void oneByOneMatrixIsItsOwnEigenvalue() {
        SymmetricEigen eig = SymmetricEigen.of(new double[][]{{-4.5}});
        assertArrayEquals(new double[]{-4.5}, eig.values());
        assertArrayEquals(new double[]{1}, eig.vector(0));
    }

    @Test
    void asymmetricMatrixIsRejected() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> SymmetricEigen.of(new double[][]{{1, 2}, {3, 1}}));
        assertTrue(e.getMessage().contains("SymmetricEigen.of") && e.getMessage().contains("2x2"), e.getMessage());
    }

    @Test
    void nonSquareMatrixIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> SymmetricEigen.of(new double[][]{{1, 2, 3}, {2, 1, 0}}));
        assertTrue(e.getMessage().contains("square"), e.getMessage());
    }

    @Test
    void nonFiniteEntryIsRejected() {
        assertThrows(InvalidArgumentException.class, () -> SymmetricEigen.of(new double[][]{{1, 0}, {0, Double.NaN}}));
    }

    @Test
    void tridiagonalWithWrongOffDiagonalLengthIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> SymmetricEigen.ofTridiagonal(new double[]{1, 2, 3}, new double[]{1}));
        assertTrue(e.getMessage().contains("3 values needs 2"), e.getMessage());
    }

    static double[][] randomSymmetric(int n, long seed) {
        Random r = new Random(seed);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) a[i][j] = a[j][i] = r.nextGaussian();
        return a;
    }
}

package dev.nabla.runtime.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** erf / erfc against values from CPython's math.erf / math.erfc (correctly rounded to within an ulp). */
class CpuErfTest {
    // x, erf(x), erfc(x)
    private static final double[][] TABLE = {
            {-30, -1.0, 2.0},
            {-5.5, -0.9999999999999927, 1.9999999999999927},
            {-3.2, -0.9999939742388483, 1.9999939742388482},
            {-1.7, -0.9837904585907745, 1.9837904585907746},
            {-0.9, -0.7969082124228322, 1.7969082124228322},
            {-0.46875, -0.49261347321793797, 1.492613473217938},
            {-0.3, -0.3286267594591274, 1.3286267594591274},
            {-1e-9, -1.1283791670955127e-09, 1.0000000011283792},
            {0, 0.0, 1.0},
            {1e-12, 1.1283791670955126e-12, 0.9999999999988716},
            {0.2, 0.22270258921047847, 0.7772974107895215},
            {0.46875, 0.49261347321793797, 0.507386526782062},
            {0.5, 0.5204998778130465, 0.4795001221869535},
            {1, 0.8427007929497149, 0.15729920705028513},
            {2.5, 0.999593047982555, 0.0004069520174449589},
            {4, 0.9999999845827421, 1.541725790028002e-08},
            {4.5, 0.9999999998033839, 1.9661604415428873e-10},
            {6, 1.0, 2.1519736712498916e-17},
    };

    @Test void erfMatchesReferenceToDoublePrecision() {
        for (double[] row : TABLE) {
            assertEquals(row[1], CpuErf.erf(row[0]), 4e-16 * Math.abs(row[1]) + 1e-300, "erf(" + row[0] + ")");
        }
    }

    @Test void erfcMatchesReferenceToDoublePrecisionInBothTails() {
        for (double[] row : TABLE) {
            assertEquals(row[2], CpuErf.erfc(row[0]), 2e-15 * Math.abs(row[2]), "erfc(" + row[0] + ")");
        }
    }

    @Test void erfIsOddAndSaturates() {
        for (double x = -6; x <= 6; x += 0.37) assertEquals(-CpuErf.erf(x), CpuErf.erf(-x), 0.0, "erf(" + x + ")");
        assertEquals(1.0, CpuErf.erf(Double.POSITIVE_INFINITY));
        assertEquals(0.0, CpuErf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, CpuErf.erfc(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(CpuErf.erf(Double.NaN)));
    }
}

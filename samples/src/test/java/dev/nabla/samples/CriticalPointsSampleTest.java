package dev.nabla.samples;

import dev.nabla.trainers.diagnostics.CriticalPoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CriticalPointsSampleTest {
    @Test
    void symmetricStartEndsOnASaddleWithTheLossFallingAlongTheNegativeEigenvector(@TempDir Path out) throws Exception {
        CriticalPointsSample.Outcome o = new CriticalPointsSample().trainAndClassify("symmetric", Options.parse(new String[]{"--out", out.toString()}));
        CriticalPoints.Report r = o.report();
        assertEquals(CriticalPoints.Verdict.SADDLE_POINT, r.verdict(), r.summary());
        assertTrue(r.gradientNorm() < 1e-4, r.summary());
        assertTrue(r.smallestEigenvalue() < -0.1, r.summary());
        assertTrue(o.lanczos().smallest() < -0.1, "Lanczos agrees on the negative extreme: " + o.lanczos().smallest());
        assertFalse(r.descent().isEmpty());
        assertTrue(r.descent().get(2).loss() < r.loss() - 1e-3, r.summary());
        assertTrue(Files.size(out.resolve("critical-points-symmetric-descent.png")) > 0);
    }

    @Test
    void asymmetricStartEndsOnALocalMinimum(@TempDir Path out) throws Exception {
        CriticalPointsSample.Outcome o = new CriticalPointsSample().trainAndClassify("asymmetric",
                Options.parse(new String[]{"--grad-tol", "1e-3", "--out", out.toString()}));
        CriticalPoints.Report r = o.report();
        assertEquals(CriticalPoints.Verdict.LOCAL_MINIMUM, r.verdict(), r.summary());
        assertEquals(1.0, r.positiveRatio());
        assertTrue(r.loss() < 1e-2 * o.firstLoss(), "training lowered the loss: " + o.firstLoss() + " -> " + r.loss());
        assertEquals(r.smallestEigenvalue(), o.lanczos().smallest(), 1e-6, "Lanczos on all 7 dimensions matches the full spectrum");
    }
}

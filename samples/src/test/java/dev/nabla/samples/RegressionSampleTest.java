package dev.nabla.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegressionSampleTest {
    @Test
    void everyFitLowersItsLossAndThePlotIsWritten(@TempDir Path out) throws Exception {
        RunSummary s = new RegressionSample().run(Options.parse(new String[]{
                "--steps", "40", "--curve-steps", "80", "--units", "4", "--print-every", "1000", "--out", out.toString()}));
        for (String fit : new String[]{"b_w_x_mse", "sigmoid_sum_mse", "sigmoid_sum_mae", "relu_sum_mse", "relu_sum_mae"}) {
            assertTrue(s.getDouble("final_loss_" + fit) < s.getDouble("first_loss_" + fit), fit + ": " + s);
        }
        assertTrue(Files.size(out.resolve("regression.png")) > 0);
    }

    @Test
    void linearFitRecoversTheGeneratingLine(@TempDir Path out) throws Exception {
        RunSummary s = new RegressionSample().run(Options.parse(new String[]{
                "--steps", "200", "--curve-steps", "1", "--print-every", "1000", "--out", out.toString()}));
        assertEquals(1.5, s.getDouble("linear_b"), 0.2);
        assertEquals(0.8, s.getDouble("linear_w"), 0.1);
    }

    @Test
    void targetPassesThroughTheKnots() {
        assertEquals(0, RegressionSample.target(-3), 1e-12);
        assertEquals(1.5, RegressionSample.target(-1), 1e-12);
        assertEquals(0.25, RegressionSample.target(1.75), 1e-12);
    }
}

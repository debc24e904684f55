package dev.nabla.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharTransformerSampleTest {
    private static String[] tiny(Path out, String positions) {
        return new String[]{"--text", "builtin", "--positions", positions, "--epochs", "2", "--steps", "15", "--block", "16",
                "--d-model", "32", "--layers", "1", "--batch-size", "8", "--warmup", "5", "--lr", "5e-3", "--sample-length", "20",
                "--out", out.toString()};
    }

    @Test
    void lossFallsWithLearnedPositions(@TempDir Path out) throws Exception {
        RunSummary s = new CharTransformerSample().run(Options.parse(tiny(out, "learned")));
        assertTrue(s.getDouble("train_loss") < s.getDouble("first_train_loss"), s.toString());
    }

    @Test
    void lossFallsWithSinusoidalPositions(@TempDir Path out) throws Exception {
        RunSummary s = new CharTransformerSample().run(Options.parse(tiny(out, "sinusoidal")));
        assertTrue(s.getDouble("train_loss") < s.getDouble("first_train_loss"), s.toString());
    }

    @Test
    void topOneSamplingIsTheArgmax() {
        assertEquals(2, CharTransformerSample.sample(new float[]{0.1f, 0.5f, 3f, -1f}, 1.0, 1, new Random(0)));
    }

    @Test
    void topKSamplingNeverPicksOutsideTheTopK() {
        Random rnd = new Random(0);
        for (int i = 0; i < 200; i++) {
            int c = CharTransformerSample.sample(new float[]{2f, 0f, 1.9f, 0f, 0f}, 5.0, 2, rnd);
            assertTrue(c == 0 || c == 2, "drew " + c);
        }
    }
}

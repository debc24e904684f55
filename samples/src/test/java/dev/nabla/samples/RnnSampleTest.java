package dev.nabla.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RnnSampleTest {
    @Test
    void lstmLossFallsUnderClippedBackpropagationThroughTime(@TempDir Path out) throws Exception {
        RunSummary s = new RnnSample().run(Options.parse(new String[]{
                "--steps", "40", "--seq-len", "20", "--hidden", "16", "--batch-size", "16", "--clip", "0.5", "--out", out.toString()}));
        assertTrue(s.getDouble("train_loss") < 0.5 * s.getDouble("first_train_loss"), s.toString());
        assertTrue(Files.size(out.resolve("rnn.png")) > 0);
    }
}

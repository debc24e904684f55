package dev.nabla.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizersSampleTest {
    @Test
    void everyOptimiserLowersTheLossAndOnePlotShowsThemAll(@TempDir Path out) throws Exception {
        RunSummary s = new OptimizersSample().run(Options.parse(new String[]{
                "--epochs", "3", "--points", "60", "--small-batch", "16", "--large-batch", "64", "--out", out.toString()}));
        for (String k : new String[]{"sgd", "sgd_momentum", "adagrad", "rmsprop", "adam", "adam_warmup_cosine", "adam_batch_16", "adam_batch_64"}) {
            assertTrue(s.getDouble("final_loss_" + k) < s.getDouble("first_loss_" + k), k + ": " + s);
        }
        assertTrue(Files.size(out.resolve("optimizers.png")) > 0);
    }
}

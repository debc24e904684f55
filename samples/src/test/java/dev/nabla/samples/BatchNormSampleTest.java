package dev.nabla.samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchNormSampleTest {
    @Test
    void batchNormTrainsTheDeepNetworkAndBeatsThePlainOne(@TempDir Path out) throws Exception {
        RunSummary s = new BatchNormSample().run(Options.parse(new String[]{
                "--epochs", "4", "--depth", "8", "--width", "32", "--points", "100", "--out", out.toString()}));
        assertTrue(s.getDouble("final_loss_bn") < s.getDouble("first_loss_bn"), s.toString());
        assertTrue(s.getDouble("final_loss_bn") < s.getDouble("final_loss_plain"), s.toString());
        assertTrue(Files.size(out.resolve("batchnorm.png")) > 0);
    }
}

package dev.nabla.trainers.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsLogTest {
    @TempDir Path dir;

    private static Map<String, Double> row(int epoch, String... names) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("epoch", (double) epoch);
        for (int i = 0; i < names.length; i++) m.put(names[i], 1.0 / (epoch + 1 + i));
        return m;
    }

    @Test void anOddNumberOfPanelsStillRendersThePng() throws Exception {
        MetricsLog log = new MetricsLog(dir);
        for (int e = 0; e < 2; e++) log.onEpochEnd(null, e, row(e, "loss", "accuracy", "lr", "val_loss", "val_accuracy"));
        assertTrue(Files.size(log.pngFile()) > 0);
        assertTrue(Files.readString(log.csvFile()).startsWith("epoch,loss,accuracy,lr,val_loss,val_accuracy"));
    }

    @Test void anEvenNumberOfPanelsRendersThePng() throws Exception {
        MetricsLog log = new MetricsLog(dir);
        log.onEpochEnd(null, 0, row(0, "loss", "accuracy"));
        assertTrue(Files.size(log.pngFile()) > 0);
    }
}

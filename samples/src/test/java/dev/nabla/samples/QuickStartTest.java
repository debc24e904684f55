package dev.nabla.samples;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

class QuickStartTest {
    @Test void theReadmeExampleTrainsToHighAccuracy() {
        Map<String, Double> last = QuickStart.train(5);
        assertTrue(last.get("val_accuracy") > 0.95, "validation accuracy " + last);
    }
}

package dev.nabla.trainers.data;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DataLoaderResumeTest {
    static DataLoader loader(boolean prefetch) {
        float[] x = new float[23];
        int[] y = new int[23];
        for (int i = 0; i < 23; i++) {
            x[i] = i;
            y[i] = i % 3;
        }
        return DataLoader.builder(ArrayDataset.classification(x, Shape.of(1), y)).batchSize(5).shuffle(true).seed(9).prefetch(prefetch).build();
    }

    static List<float[]> inputs(Iterable<Batch> batches) {
        List<float[]> out = new ArrayList<>();
        for (Batch b : batches) {
            try (b) {
                out.add(b.inputs().toFloatArray());
            }
        }
        return out;
    }

    @Test void startingAtABatchGivesTheTailOfTheEpoch() {
        for (boolean prefetch : new boolean[]{false, true}) {
            DataLoader l = loader(prefetch);
            List<float[]> all = inputs(l.epoch(3)), tail = inputs(l.epoch(3, 2));
            assertEquals(all.size() - 2, tail.size());
            for (int i = 0; i < tail.size(); i++) assertArrayEquals(all.get(i + 2), tail.get(i), "batch " + (i + 2));
        }
    }

    @Test void startingAtTheEndGivesNoBatches() {
        DataLoader l = loader(true);
        assertEquals(0, inputs(l.epoch(0, l.batchesPerEpoch())).size());
    }

    @Test void aStartBatchOutsideTheEpochIsRejected() {
        DataLoader l = loader(true);
        var e = assertThrows(InvalidArgumentException.class, () -> l.epoch(0, 6));
        assertTrue(e.getMessage().contains("start batch 6") && e.getMessage().contains("0..5"), e.getMessage());
    }
}

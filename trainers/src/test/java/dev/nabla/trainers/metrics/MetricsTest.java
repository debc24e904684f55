package dev.nabla.trainers.metrics;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {
    static Tensor scores(int b, int c, float... v) { return Tensor.of(v, Shape.of(b, c), DType.FLOAT32, Device.CPU); }

    static Tensor labels(long... l) { return Tensor.of(l, Shape.of(l.length), DType.INT64, Device.CPU); }

    // rows: argmax 2 | argmax 0 | argmax 1 (label 2 is second) | argmax 1 (label 0 is last)
    static final Tensor OUT = scores(4, 3, 0.1f, 0.2f, 0.7f, 5, 1, 2, 0.3f, 0.5f, 0.4f, -1, 3, 2);
    static final Tensor LABELS = labels(2, 0, 2, 0);

    @Test void accuracyCountsArgmaxHits() {
        Accuracy a = new Accuracy();
        a.update(OUT, LABELS, 0);
        assertEquals(0.5, a.value());
        assertEquals("accuracy", a.name());
    }

    @Test void topTwoAccuracyAlsoCountsSecondPlaces() {
        TopKAccuracy t = new TopKAccuracy(2);
        t.update(OUT, LABELS, 0);
        assertEquals(0.75, t.value());
        assertEquals("top2_accuracy", t.name());
    }

    @Test void topKWithKAtLeastTheClassCountIsOne() {
        TopKAccuracy t = new TopKAccuracy(3);
        t.update(OUT, LABELS, 0);
        assertEquals(1.0, t.value());
    }

    @Test void accuracyAccumulatesOverBatchesAndResets() {
        Accuracy a = new Accuracy();
        a.update(OUT, LABELS, 0);
        a.update(scores(1, 3, 0, 0, 1), labels(2), 0);
        assertEquals(3.0 / 5, a.value(), 1e-15);
        a.reset();
        assertTrue(Double.isNaN(a.value()));
    }

    @Test void meanLossWeighsBatchesBySize() {
        MeanLoss m = new MeanLoss();
        m.update(OUT, LABELS, 1.0);                       // 4 examples
        m.update(scores(1, 3, 0, 0, 1), labels(2), 6.0);  // 1 example
        assertEquals(2.0, m.value(), 1e-15);
    }

    @Test void aLabelOutOfRangeIsNamed() {
        var e = assertThrows(InvalidArgumentException.class, () -> new Accuracy().update(OUT, labels(2, 0, 3, 0), 0));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
    }

    @Test void mismatchedShapesAreRejected() {
        var e = assertThrows(ShapeMismatchException.class, () -> new Accuracy().update(OUT, labels(1, 2), 0));
        assertTrue(e.getMessage().contains("[4, 3]") || e.getMessage().contains("4"), e.getMessage());
    }

    @Test void nonPositiveKIsRejected() {
        assertThrows(InvalidArgumentException.class, () -> new TopKAccuracy(0));
    }
}

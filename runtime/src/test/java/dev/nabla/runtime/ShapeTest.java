package dev.nabla.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ShapeTest {
    @Test void numelIsTheProductOfDims() {
        assertEquals(24, Shape.of(2, 3, 4).numel());
        assertEquals(1, Shape.scalar().numel());
        assertEquals(0, Shape.of(3, 0).numel());
    }

    @Test void stridesAreRowMajor() {
        assertArrayEquals(new long[]{12, 4, 1}, Shape.of(2, 3, 4).strides());
    }

    @Test void negativeAxesCountFromTheEnd() {
        assertEquals(4, Shape.of(2, 3, 4).dim(-1));
        assertEquals(0, Shape.of(2, 3, 4).axis(-3, "t"));
    }

    @Test void axisOutOfRangeNamesTheOpAndShape() {
        var e = assertThrows(ShapeMismatchException.class, () -> Shape.of(2, 3).axis(2, "sum"));
        assertTrue(e.getMessage().contains("sum") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test void negativeDimIsRejected() {
        var e = assertThrows(ShapeMismatchException.class, () -> Shape.of(2, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test void broadcastFollowsNumpyRules() {
        assertEquals(Shape.of(2, 3, 4), Shape.broadcast(Shape.of(2, 1, 4), Shape.of(3, 1), "add"));
        assertEquals(Shape.of(5), Shape.broadcast(Shape.scalar(), Shape.of(5), "add"));
    }

    @Test void incompatibleBroadcastNamesBothShapes() {
        var e = assertThrows(ShapeMismatchException.class, () -> Shape.broadcast(Shape.of(2, 3), Shape.of(4), "mul"));
        assertTrue(e.getMessage().contains("mul") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"));
    }

    @Test void broadcastStridesAreZeroOnBroadcastDims() {
        assertArrayEquals(new long[]{0, 1, 0}, Shape.of(3, 1).broadcastStrides(Shape.of(2, 3, 4)));
    }
}

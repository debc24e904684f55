package dev.nabla.runtime.cuda;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The by-value layout struct the broadcasting and strided kernels read. */
class NdLayoutTest {
    @Test
    void broadcastStridesAreZeroOnBroadcastDimsAndAlignedRight() {
        assertArrayEquals(new long[]{0, 1}, NdLayout.broadcastStrides(Shape.of(3), Shape.of(2, 3)));
        assertArrayEquals(new long[]{1, 0}, NdLayout.broadcastStrides(Shape.of(2, 1), Shape.of(2, 3)));
        assertArrayEquals(new long[]{0, 0}, NdLayout.broadcastStrides(Shape.scalar(), Shape.of(2, 3)));
    }

    @Test
    void contiguousOperandsCollapseToOneDim() {
        Shape s = Shape.of(2, 3, 4);
        NdLayout l = NdLayout.of("add", s, NdLayout.contiguous(s), NdLayout.contiguous(s));
        assertEquals(1, l.rank);
        assertEquals(24, l.shape(0));
        assertEquals(1, l.stride(0, 0));
        assertEquals(1, l.stride(1, 0));
    }

    @Test
    void aBroadcastRowKeepsTwoDims() {
        Shape out = Shape.of(4, 5, 6);
        NdLayout l = NdLayout.of("add", out, NdLayout.contiguous(out), NdLayout.broadcastStrides(Shape.of(6), out));
        assertEquals(2, l.rank);
        assertEquals(20, l.shape(0));
        assertEquals(6, l.shape(1));
        assertEquals(6, l.stride(0, 0));
        assertEquals(0, l.stride(1, 0));
        assertEquals(1, l.stride(1, 1));
    }

    @Test
    void sizeOneDimsAreDroppedAndTheStructIs32Longs() {
        Shape out = Shape.of(1, 3, 1, 2);
        NdLayout l = NdLayout.of("permute", out, new long[]{99, 1, 99, 3});
        assertEquals(2, l.rank);
        assertEquals(32, l.packed.length);
        assertEquals(3, l.shape(0));
        assertEquals(1, l.stride(0, 0));
        assertEquals(3, l.stride(0, 1));
    }

    @Test
    void aRankOfNineThatDoesNotCollapseIsRejectedNamingTheOp() {
        Shape out = Shape.of(2, 2, 2, 2, 2, 2, 2, 2, 2);
        long[] transposed = new long[9];
        for (int d = 0; d < 9; d++) transposed[d] = 1L << d; // reversed order: nothing merges
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> NdLayout.of("permute", out, transposed));
        assertTrue(e.getMessage().startsWith("permute:"), e.getMessage());
        assertTrue(e.getMessage().contains("at most 8"), e.getMessage());
    }

    @Test
    void aScalarHasRankZero() {
        NdLayout l = NdLayout.of("fill", Shape.scalar(), new long[0]);
        assertEquals(0, l.rank);
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The CPU's one-pass pad against the interface's default (a filled buffer and a strided write into its interior),
 * element for element: pads on one or several dims, outer and inner, sizes that span many parallel chunks, empty
 * sources, NaN fills, every dtype.
 */
class CpuPadTest {
    /** The interface's default, written out: a filled buffer and a strided write into its interior. */
    private static Buffer reference(CpuBackend be, Buffer src, Shape shape, int[] before, int[] after, double value) {
        int r = shape.rank();
        int[] out = new int[r];
        for (int d = 0; d < r; d++) out[d] = shape.dim(d) + before[d] + after[d];
        Shape os = Shape.of(out);
        Buffer y = be.full(src.dtype(), os.numel(), value);
        long[] st = os.strides();
        long off = 0;
        for (int d = 0; d < r; d++) off += before[d] * st[d];
        if (shape.numel() > 0) be.copies().stridedWrite(y, off, st, src, shape);
        return y;
    }

    @Test
    void onePassPadEqualsFillThenWrite() {
        CpuBackend be = CpuBackend.instance();
        Random rnd = new Random(3);
        int[][][] cases = {
                {{3, 5}, {0, 2}, {1, 0}},
                {{1, 32, 4, 64, 32}, {2, 0, 0, 0, 0}, {0, 0, 0, 0, 0}},          // narrow backward of q from [3, ...]
                {{1, 32, 4, 64, 32}, {1, 0, 0, 0, 0}, {1, 0, 0, 0, 0}},          // ... of k
                {{2, 3, 4}, {1, 0, 2}, {0, 3, 1}},
                {{4, 1, 5}, {0, 2, 0}, {0, 1, 0}},
                {{70, 300}, {0, 7}, {0, 0}},                                     // inner pad over many chunks
                {{300, 70}, {5, 0}, {9, 0}},
                {{0, 4}, {1, 1}, {0, 2}},                                        // empty source
                {{2, 3}, {0, 0}, {0, 0}},                                        // no pad at all
        };
        for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64}) {
            for (int[][] c : cases) {
                Shape shape = Shape.of(c[0]);
                double[] vals = new double[(int) shape.numel()];
                for (int i = 0; i < vals.length; i++) vals[i] = rnd.nextInt(1000) - 500;
                Buffer src = be.cast(be.fromArray(vals, DType.FLOAT64), dt);
                double value = dt.isFloating() ? Double.NaN : 7;
                Buffer got = be.pad(src, shape, c[1], c[2], value);
                Buffer want = reference(be, src, shape, c[1], c[2], value);
                assertEquals(want.size(), got.size(), dt + " " + shape);
                for (long i = 0; i < want.size(); i++) {
                    assertEquals(be.getDouble(want, i), be.getDouble(got, i), 0.0, dt + " " + shape + " element " + i);
                }
                be.release(got);
                be.release(want);
                be.release(src);
            }
        }
    }

    @Test
    void negativePadsAndMismatchedLengthsAreRejected() {
        CpuBackend be = CpuBackend.instance();
        Buffer src = be.allocate(DType.FLOAT32, 6);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> be.pad(src, Shape.of(2, 3), new int[]{0, -1}, new int[]{0, 0}, 0));
        assertEquals(true, e.getMessage().startsWith("pad:"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> be.pad(src, Shape.of(2, 3), new int[]{0}, new int[]{0, 0}, 0));
        be.release(src);
    }
}

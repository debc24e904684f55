package dev.nabla.runtime;

import dev.nabla.runtime.random.Generator;
import dev.nabla.runtime.random.Philox;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PhiloxTest {
    /** Known-answer vectors of Random123's kat_vectors for philox4x32-10. */
    @Test void matchesRandom123KnownAnswers() {
        assertArrayEquals(new int[]{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, Philox.block(0L, 0L));
        int[] out = new int[4];
        // counter = (0xffffffff x4) is not reachable through block(), so check the key path: key (0xffffffff, 0xffffffff).
        Philox.block(0xffffffffffffffffL, 0L, out);
        assertEquals(4, out.length);
    }

    @Test void uniformIsInUnitIntervalAndReproducible() {
        for (long pos = 0; pos < 1000; pos++) {
            float u = Philox.uniform(42, pos);
            assertTrue(u >= 0 && u < 1);
            assertEquals(u, Philox.uniform(42, pos));
        }
        assertNotEquals(Philox.uniform(42, 0), Philox.uniform(43, 0));
    }

    @Test void generatorAdvancesByWholeBlocks() {
        Generator g = new Generator(7);
        assertEquals(0, g.advance(5));
        assertEquals(8, g.advance(1));
        assertEquals(12, g.offset());
    }

    @Test void randIsReproducibleForTheSameSeedAndDiffersAcrossDraws() {
        Generator a = new Generator(3), b = new Generator(3);
        float[] x = Tensor.rand(Shape.of(10), DType.FLOAT32, Device.CPU, a).toFloatArray();
        float[] y = Tensor.rand(Shape.of(10), DType.FLOAT32, Device.CPU, b).toFloatArray();
        assertArrayEquals(x, y);
        assertFalse(java.util.Arrays.equals(x, Tensor.rand(Shape.of(10), DType.FLOAT32, Device.CPU, a).toFloatArray()));
    }

    @Test void randnHasStandardMoments() {
        double[] v = Tensor.randn(Shape.of(100_000), DType.FLOAT64, Device.CPU, new Generator(11)).toDoubleArray();
        double mean = 0, sq = 0;
        for (double d : v) { mean += d; sq += d * d; }
        mean /= v.length;
        double var = sq / v.length - mean * mean;
        assertEquals(0, mean, 0.02);
        assertEquals(1, var, 0.02);
    }

    @Test void float32AndFloat64DrawTheSameUniforms() {
        float[] f = Tensor.rand(Shape.of(9), DType.FLOAT32, Device.CPU, new Generator(5)).toFloatArray();
        double[] d = Tensor.rand(Shape.of(9), DType.FLOAT64, Device.CPU, new Generator(5)).toDoubleArray();
        for (int i = 0; i < f.length; i++) assertEquals(f[i], d[i], 0.0);
    }

    @Test void theCpuStreamIsPinned() {
        // Pinned values: the CUDA kernels must reproduce exactly these for seed 0, offset 0.
        float[] f = Tensor.rand(Shape.of(4), DType.FLOAT32, Device.CPU, new Generator(0)).toFloatArray();
        assertEquals((0x6627e8d5 >>> 8) / (float) (1 << 24), f[0], 0.0);
        assertEquals((0xe169c58d >>> 8) / (float) (1 << 24), f[1], 0.0);
    }
}

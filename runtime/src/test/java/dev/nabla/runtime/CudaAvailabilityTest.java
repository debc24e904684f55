package dev.nabla.runtime;

import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.BackendProvider;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.backend.MatmulSpec;
import dev.nabla.runtime.backend.ReduceOp;
import dev.nabla.runtime.backend.UnaryOp;
import dev.nabla.runtime.random.Philox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A quick check of the CUDA backend against independent float64 references computed here: skipped, with
 * the provider's reason, where no CUDA device is found (so a report shows "skipped: no NVIDIA driver ...").
 * The full contract suites run on CUDA through {@link TestDevices} when a device is present.
 */
class CudaAvailabilityTest {
    private static Backend cuda;

    /** Per test, not per class, so that every test is reported as skipped with the reason. */
    @BeforeEach
    void findCuda() {
        BackendProvider p = Backends.providers().stream().filter(x -> x.name().equals("cuda")).findFirst().orElse(null);
        assumeTrue(p != null, "CUDA tests skipped: no cuda provider on the class path");
        assumeTrue(p.isAvailable(), "CUDA tests skipped: " + p.unavailableReason());
        cuda = Backends.get("cuda");
    }

    private static double[] random(long seed, int n) {
        Random r = new Random(seed);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextDouble() * 2 - 1;
        return a;
    }

    private static double[] toDouble(Object array) {
        if (array instanceof float[] f) { double[] d = new double[f.length]; for (int i = 0; i < f.length; i++) d[i] = f[i]; return d; }
        return (double[]) array;
    }

    @Test
    void hostDeviceRoundTripKeepsEveryDtype() {
        for (DType dt : DType.values()) {
            long[] src = {0, 1, -2, 3, 1 << 20};
            var b = cuda.fromArray(src, dt);
            assertEquals(-2.0, cuda.getDouble(b, 2), dt.name());
            assertArrayEquals(new double[]{0, 1, -2, 3, 1 << 20}, toDouble(cuda.toArray(cuda.cast(b, DType.FLOAT64))), dt.name());
            cuda.release(b);
        }
    }

    @Test
    void unaryExpMatchesMathExp() {
        double[] x = random(1, 1000);
        var b = cuda.fromArray(x, DType.FLOAT64);
        double[] y = (double[]) cuda.toArray(cuda.elementwise().unary(UnaryOp.EXP, b, 0, 0));
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) expected[i] = Math.exp(x[i]);
        TestTensors.assertClose(expected, y, 1e-12, 1e-12, "exp_f64");
    }

    @Test
    void broadcastAddMatchesLoops() {
        double[] a = random(2, 6 * 5), b = random(3, 5);
        var out = cuda.elementwise().binary(BinaryOp.ADD, cuda.fromArray(a, DType.FLOAT32), Shape.of(6, 5),
                cuda.fromArray(b, DType.FLOAT32), Shape.of(5), Shape.of(6, 5));
        double[] expected = new double[30];
        for (int i = 0; i < 6; i++) for (int j = 0; j < 5; j++) expected[i * 5 + j] = a[i * 5 + j] + b[j];
        TestTensors.assertClose(expected, toDouble(cuda.toArray(out)), 1e-6, 1e-6, "add_f32 broadcast");
    }

    @Test
    void batchedMatmulWithTransposeMatchesLoops() {
        int batch = 3, m = 37, n = 29, k = 41;
        double[] a = random(4, batch * m * k), b = random(5, k * n);
        var spec = new MatmulSpec(Shape.of(batch), Shape.of(batch), Shape.of(1), m, n, k, false, true);
        // B stored transposed: n x k
        double[] bt = new double[n * k];
        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) bt[j * k + p] = b[p * n + j];
        var c = cuda.matmul().matmul(cuda.fromArray(a, DType.FLOAT32), cuda.fromArray(bt, DType.FLOAT32), spec);
        double[] expected = new double[batch * m * n];
        for (int z = 0; z < batch; z++) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++) s += a[(z * m + i) * k + p] * b[p * n + j];
            expected[(z * m + i) * n + j] = s;
        }
        TestTensors.assertClose(expected, toDouble(cuda.toArray(c)), 1e-4, 1e-4, "matmul f32");
    }

    @Test
    void sumOverNonAdjacentAxesMatchesLoops() {
        double[] x = random(6, 2 * 3 * 4);
        var r = cuda.reduce().reduce(ReduceOp.SUM, cuda.fromArray(x, DType.FLOAT64), Shape.of(2, 3, 4), new int[]{0, 2});
        double[] expected = new double[3];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int l = 0; l < 4; l++) expected[j] += x[(i * 3 + j) * 4 + l];
        TestTensors.assertClose(expected, (double[]) cuda.toArray(r), 1e-12, 1e-12, "sum over axes 0, 2");
    }

    @Test
    void softmaxOverTheFirstAxisMatchesLoops() {
        double[] x = random(7, 4 * 3);
        var y = cuda.softmax().softmax(cuda.fromArray(x, DType.FLOAT64), Shape.of(4, 3), 0, false);
        double[] expected = new double[12];
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int i = 0; i < 4; i++) s += Math.exp(x[i * 3 + j]);
            for (int i = 0; i < 4; i++) expected[i * 3 + j] = Math.exp(x[i * 3 + j]) / s;
        }
        TestTensors.assertClose(expected, (double[]) cuda.toArray(y), 1e-12, 1e-12, "softmax axis 0");
    }

    @Test
    void uniformNumbersMatchTheCpuPhiloxBitForBit() {
        long seed = 1234, offset = 77;
        float[] y = (float[]) cuda.toArray(cuda.random().uniform(DType.FLOAT32, 1000, seed, offset, 0, 1));
        for (int i = 0; i < y.length; i++) assertEquals(Philox.uniform(seed, offset + i), y[i], 0.0, "position " + i);
    }

    @Test
    void aWarmLoopMakesNoNewDriverAllocations() throws Exception {
        Runnable step = () -> {
            var a = cuda.allocate(DType.FLOAT32, 100_000);
            var b = cuda.elementwise().unary(UnaryOp.RELU, a, 0, 0);
            cuda.release(a);
            cuda.release(b);
        };
        step.run();
        long before = (long) cuda.getClass().getMethod("rawAllocations").invoke(cuda);
        for (int i = 0; i < 10; i++) step.run();
        assertEquals(before, (long) cuda.getClass().getMethod("rawAllocations").invoke(cuda));
    }
}

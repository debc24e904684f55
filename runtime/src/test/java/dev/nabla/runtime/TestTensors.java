package dev.nabla.runtime;

import dev.nabla.runtime.random.Generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Seeded test data and closeness assertions shared by the contract suites of every module. */
public final class TestTensors {
    /**
     * The backend's allocated bytes once the tensors that earlier tests dropped without closing are released: their
     * cleaner runs on its own thread, so a count read while it works can fall in the middle of a test that compares
     * two reads (seen in a CI run: 4733056 bytes before a failed op, 2159328 after). Collects until two reads agree.
     */
    public static long settledAllocated(dev.nabla.runtime.backend.Backend be) {
        long prev = be.memoryStats().allocated();
        for (int i = 0; i < 20; i++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = be.memoryStats().allocated();
            if (now == prev) break;
            prev = now;
        }
        return prev;
    }

    private TestTensors() {}

    /** Uniform [-1, 1) FLOAT64 on the CPU, seeded. */
    public static Tensor randomDouble(long seed, int... dims) {
        return Tensor.uniform(Shape.of(dims), -1, 1, DType.FLOAT64, Device.CPU, new Generator(seed));
    }

    /** Uniform [-1, 1) of {@code dtype} on {@code device}, seeded. */
    public static Tensor random(long seed, DType dtype, Device device, int... dims) {
        return Tensor.uniform(Shape.of(dims), -1, 1, dtype, device, new Generator(seed));
    }

    /** Asserts |actual - expected| <= atol + rtol |expected| elementwise, naming the first offender. */
    public static void assertClose(double[] expected, double[] actual, double atol, double rtol, String what) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) fail(String.format("%s: element %d is %.9g, expected %.9g (atol %.1g, rtol %.1g)", what, i, a, e, atol, rtol));
        }
    }

    public static void assertClose(double[] expected, Tensor actual, double atol, double rtol, String what) {
        assertClose(expected, actual.toDoubleArray(), atol, rtol, what);
    }

    public static void assertShape(Tensor t, int... dims) {
        assertArrayEquals(dims, t.dims(), "shape " + t.shape());
    }
}

package dev.nabla.runtime;

import java.util.List;
import java.util.stream.Stream;

/**
 * The devices a contract suite runs on: the CPU always, CUDA when a device is found. Use with
 * {@code @ParameterizedTest @MethodSource("dev.nabla.runtime.TestDevices#all")}. When CUDA is absent the
 * CUDA runs do not appear here; {@code CudaAvailabilityTest} reports them as skipped with the reason.
 */
public final class TestDevices {
    private TestDevices() {}

    public static Stream<Device> all() {
        List<Device> out = Backends.available().stream().map(b -> b.device()).toList();
        return out.stream();
    }

    /** Only the non-CPU devices (for comparisons against the CPU reference). */
    public static Stream<Device> accelerators() {
        return all().filter(d -> d.kind() != Device.Kind.CPU);
    }

    /** Tolerance for float32 results compared with a float64 reference. */
    public static double atol(DType dtype) { return dtype == DType.FLOAT64 ? 1e-10 : 1e-5; }

    public static double rtol(DType dtype) { return dtype == DType.FLOAT64 ? 1e-9 : 1e-4; }
}

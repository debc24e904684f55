package dev.nabla.runtime.ops;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.backend.ReduceOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reductions over every kind of axis set, against a plain float64 loop; gradients by gradient check. */
class ReduceContractTest {
    static final int[] SHAPE = {3, 4, 5};
    /** null = all; negative axes count from the end. */
    static final int[][] AXES = {{0}, {1}, {2}, {-1}, {0, 2}, {1, 2}, {0, 1}, {0, 1, 2}, null};

    /** Reduces {@code x} of {@code shape} over {@code axes} (normalised) with plain nested loops in float64. */
    static double[] reference(ReduceOp op, double[] x, int[] shape, int[] axes) {
        int r = shape.length;
        boolean[] red = new boolean[r];
        if (axes == null) Arrays.fill(red, true);
        else for (int a : axes) red[a < 0 ? a + r : a] = true;
        int[] keep = shape.clone();
        for (int d = 0; d < r; d++) if (red[d]) keep[d] = 1;
        int outN = Arrays.stream(keep).reduce(1, (p, q) -> p * q);
        double[][] groups = new double[outN][];
        int[] counts = new int[outN];
        int per = x.length / Math.max(1, outN);
        for (int o = 0; o < outN; o++) groups[o] = new double[per];
        int[] idx = new int[r];
        for (int i = 0; i < x.length; i++) {
            int rem = i;
            for (int d = r - 1; d >= 0; d--) { idx[d] = rem % shape[d]; rem /= shape[d]; }
            int o = 0;
            for (int d = 0; d < r; d++) o = o * keep[d] + (red[d] ? 0 : idx[d]);
            groups[o][counts[o]++] = x[i];
        }
        double[] out = new double[outN];
        for (int o = 0; o < outN; o++) {
            double[] g = groups[o];
            double acc;
            switch (op) {
                case SUM, MEAN -> { acc = 0; for (double v : g) acc += v; if (op == ReduceOp.MEAN) acc /= g.length; }
                case MAX -> { acc = Double.NEGATIVE_INFINITY; for (double v : g) acc = Math.max(acc, v); }
                case MIN -> { acc = Double.POSITIVE_INFINITY; for (double v : g) acc = Math.min(acc, v); }
                case PROD -> { acc = 1; for (double v : g) acc *= v; }
                default -> { acc = 0; for (double v : g) acc += Math.exp(v); acc = Math.log(acc); }
            }
            out[o] = acc;
        }
        return out;
    }

    static int[] expectedShape(int[] shape, int[] axes, boolean keepDim) {
        int r = shape.length;
        boolean[] red = new boolean[r];
        if (axes == null) Arrays.fill(red, true);
        else for (int a : axes) red[a < 0 ? a + r : a] = true;
        return java.util.stream.IntStream.range(0, r).filter(d -> keepDim || !red[d]).map(d -> red[d] ? 1 : shape[d]).toArray();
    }

    static Stream<Arguments> forwardCases() {
        return TestDevices.all().flatMap(dev -> Stream.of(DType.FLOAT32, DType.FLOAT64).flatMap(t ->
                Stream.of(ReduceOp.values()).flatMap(op -> Stream.of(AXES).flatMap(ax ->
                        Stream.of(false, true).map(k -> Arguments.of(dev, t, op, ax, k))))));
    }

    @ParameterizedTest(name = "{2} axes {3} keepDim {4} {1} on {0}")
    @MethodSource("forwardCases")
    void reduceMatchesFloat64Loop(Device device, DType dtype, ReduceOp op, int[] axes, boolean keepDim) {
        Tensor x = TestTensors.random(21, dtype, device, SHAPE).mul(2);
        Tensor y = ReduceOps.reduce(op, x, axes, keepDim);
        assertArrayEquals(expectedShape(SHAPE, axes, keepDim), y.dims());
        assertEquals(dtype, y.dtype());
        TestTensors.assertClose(reference(op, x.toDoubleArray(), SHAPE, axes), y, TestDevices.atol(dtype),
                TestDevices.rtol(dtype), op + " " + Arrays.toString(axes));
    }

    static Stream<Arguments> gradCases() {
        return Stream.of(ReduceOp.values()).flatMap(op -> Stream.of(AXES).flatMap(ax ->
                Stream.of(false, true).map(k -> Arguments.of(op, ax, k))));
    }

    @ParameterizedTest(name = "{0} axes {1} keepDim {2}")
    @MethodSource("gradCases")
    void reduceBackwardMatchesFiniteDifferences(ReduceOp op, int[] axes, boolean keepDim) {
        // Random values have no ties, so max / min are differentiable there.
        Tensor x = TestTensors.randomDouble(22, SHAPE).mul(2).detach().requiresGrad(true);
        GradCheck.check(op + " " + Arrays.toString(axes), in -> ReduceOps.reduce(op, in[0], axes, keepDim), x);
    }

    @ParameterizedTest(name = "{0} axes {1} keepDim {2}")
    @MethodSource("gradCases")
    void fusedBackwardAgreesWithDifferentiableBackward(ReduceOp op, int[] axes, boolean keepDim) {
        Tensor x = TestTensors.randomDouble(24, SHAPE).mul(2).detach().requiresGrad(true);
        Tensor y = ReduceOps.reduce(op, x, axes, keepDim);
        Tensor g = TestTensors.randomDouble(25, y.dims());
        y.backward(g);
        Tensor graph = dev.nabla.runtime.Autograd.grad(ReduceOps.reduce(op, x, axes, keepDim), new Tensor[]{x}, g, false, true)[0];
        // Only lse and prod have gradients that depend on x differentiably (sum / mean / max / min are constant or masks).
        if (op == ReduceOp.LOGSUMEXP || op == ReduceOp.PROD) assertTrue(graph.requiresGrad(), "createGraph gradient is differentiable");
        TestTensors.assertClose(x.grad().toDoubleArray(), graph, 1e-13, 1e-11, op + " " + Arrays.toString(axes));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("integerOps")
    void integerReductionsStayIntegers(ReduceOp op) {
        for (DType t : new DType[]{DType.INT32, DType.INT64}) {
            double[] v = {3, -1, 4, 1, -5, 9, 2, 6};
            Tensor x = Tensor.of(v, Shape.of(2, 4), t, Device.CPU);
            for (int[] axes : new int[][]{{0}, {1}, null}) {
                int[] shape = {2, 4};
                Tensor y = ReduceOps.reduce(op, x, axes, false);
                assertEquals(t, y.dtype());
                assertArrayEquals(reference(op, v, shape, axes), y.toDoubleArray(), 0, t + " " + op + " " + Arrays.toString(axes));
            }
        }
    }

    static Stream<ReduceOp> integerOps() { return Stream.of(ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PROD); }

    @Test void largeReductionsTakeEveryLayoutPathCorrectly() {
        // Inner spans longer than a chunk, the all-axes reduction, outer rows, and a middle axis.
        int[][] shapes = {{3, 100_003}, {200_001}, {1000, 70}, {40, 50, 60}};
        int[][] axes = {{1}, {0}, {0}, {0, 2}};
        for (int k = 0; k < shapes.length; k++) {
            Tensor x = TestTensors.random(23 + k, DType.FLOAT32, Device.CPU, shapes[k]);
            for (ReduceOp op : new ReduceOp[]{ReduceOp.SUM, ReduceOp.MEAN, ReduceOp.MAX, ReduceOp.LOGSUMEXP}) {
                Tensor y = ReduceOps.reduce(op, x, axes[k], false);
                TestTensors.assertClose(reference(op, x.toDoubleArray(), shapes[k], axes[k]), y, 1e-3, 1e-5,
                        op + " " + Arrays.toString(shapes[k]));
            }
        }
    }

    @Test void float32SumAccumulatesInDouble() {
        float[] v = new float[1_000_000];
        Arrays.fill(v, 0.1f);
        double exact = 1_000_000 * (double) 0.1f;
        assertEquals(exact, Tensor.of(v, v.length).sum().item(), 0.01);
        assertEquals(exact, Tensor.of(v, 1000, 1000).sum(new int[]{0}, false).sum().item(), 0.01);
    }

    @Test void logSumExpIsStableForLargeAndInfiniteInputs() {
        Tensor x = Tensor.of(new double[]{1000, 1000, -1000, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, 2, 3);
        double[] y = x.logSumExp(new int[]{1}, false).toDoubleArray();
        assertEquals(1000 + Math.log(2), y[0], 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, y[1]);
    }

    @Test void maxGradientIsSplitEvenlyAmongTies() {
        Tensor x = Tensor.of(new double[]{1, 3, 3, 2, 2, 2}, 2, 3).requiresGrad(true);
        x.max(new int[]{1}, false).sum().backward();
        double t = 1.0 / 3;
        assertArrayEquals(new double[]{0, 0.5, 0.5, t, t, t}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test void maxAndMinPropagateNaN() {
        Tensor x = Tensor.of(new double[]{1, Double.NaN, 3}, 3);
        assertTrue(Double.isNaN(x.max().item()));
        assertTrue(Double.isNaN(x.min().item()));
    }

    @Test void prodGradientHandlesZeros() {
        Tensor x = Tensor.of(new double[]{2, 3, 4, 2, 0, 3, 0, 0, 2}, 3, 3).requiresGrad(true);
        ReduceOps.reduce(ReduceOp.PROD, x, new int[]{1}, false).sum().backward();
        assertArrayEquals(new double[]{12, 8, 6, 0, 6, 0, 0, 0, 0}, x.grad().toDoubleArray(), 0);
        Tensor y = Tensor.of(new double[]{2, 0, 3, 0.5}, 4).requiresGrad(true);
        GradCheck.check("prod with a zero", in -> ReduceOps.reduce(ReduceOp.PROD, in[0], null, false), y);
    }

    @Test void argmaxAndArgminPickTheFirstTie() {
        Tensor x = Tensor.of(new double[]{1, 3, 3, 2, 0, 5, 0, 5}, 2, 4);
        Tensor am = x.argmax(1, false);
        assertEquals(DType.INT64, am.dtype());
        assertArrayEquals(new long[]{1, 1}, am.toLongArray());
        assertArrayEquals(new long[]{0, 0}, x.argmin(1, false).toLongArray());
        assertArrayEquals(new long[]{0, 1, 0, 1}, x.argmax(0, false).toLongArray());
        TestTensors.assertShape(x.argmax(-1, true), 2, 1);
        TestTensors.assertShape(x.argmax(0, false), 4);
    }

    @Test void argmaxReturnsTheFirstNaN() {
        Tensor x = Tensor.of(new float[]{1, Float.NaN, 9, Float.NaN}, 4);
        assertArrayEquals(new long[]{1}, x.argmax(0, true).toLongArray());
        assertArrayEquals(new long[]{1}, x.argmin(0, true).toLongArray());
    }

    @Test void argmaxWorksOnIntegersAndHasNoGradient() {
        Tensor x = Tensor.of(new long[]{5, 9, 9, 1}, 4);
        assertArrayEquals(new long[]{1}, x.argmax(0, true).toLongArray());
        Tensor f = Tensor.of(new double[]{1, 2}, 2).requiresGrad(true);
        assertEquals(false, f.argmax(0, false).requiresGrad());
    }

    // ---------------------------------------------------------------- variance

    static double[] varianceLoop(double[] x, int rows, int cols, boolean unbiased) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double m = 0;
            for (int c = 0; c < cols; c++) m += x[r * cols + c];
            m /= cols;
            double s = 0;
            for (int c = 0; c < cols; c++) s += (x[r * cols + c] - m) * (x[r * cols + c] - m);
            out[r] = s / (unbiased ? cols - 1 : cols);
        }
        return out;
    }

    @Test void varianceUnbiasedAndBiasedMatchAFloat64Loop() {
        Tensor x = TestTensors.randomDouble(31, 4, 6);
        double[] v = x.toDoubleArray();
        TestTensors.assertClose(varianceLoop(v, 4, 6, true), x.variance(new int[]{1}, true, false), 1e-14, 1e-12, "unbiased");
        TestTensors.assertClose(varianceLoop(v, 4, 6, false), x.variance(new int[]{-1}, false, false), 1e-14, 1e-12, "biased");
        TestTensors.assertShape(x.variance(new int[]{1}, true, true), 4, 1);
        TestTensors.assertClose(varianceLoop(v, 1, 24, true), x.variance(null, true, false), 1e-14, 1e-12, "all axes");
    }

    @Test void varianceOverSeveralAxesHasGradients() {
        Tensor x = TestTensors.randomDouble(32, 2, 3, 4).requiresGrad(true);
        GradCheck.check("var", in -> in[0].variance(new int[]{0, 2}, true, false), x);
    }

    // ---------------------------------------------------------------- sumToShape

    @Test void sumToShapeReducesRankDifferencesAndSizeOneDims() {
        Tensor g = TestTensors.randomDouble(41, 2, 3, 4);
        double[] v = g.toDoubleArray();
        int[][] targets = {{3, 1}, {1, 1}, {}, {2, 1, 4}, {4}, {1, 3, 4}, {3, 4}};
        for (int[] t : targets) {
            Tensor s = ReduceOps.sumToShape(g, Shape.of(t));
            assertArrayEquals(t, s.dims());
            // Reference: sum over the leading dims and over the target's size-1 dims.
            int[] padded = new int[3];
            Arrays.fill(padded, 1);
            System.arraycopy(t, 0, padded, 3 - t.length, t.length);
            int[] axes = java.util.stream.IntStream.range(0, 3).filter(d -> padded[d] == 1).toArray();
            TestTensors.assertClose(reference(ReduceOp.SUM, v, new int[]{2, 3, 4}, axes), s, 1e-14, 1e-12, Arrays.toString(t));
        }
        assertSame(g, ReduceOps.sumToShape(g, g.shape()));
        TestTensors.assertShape(ReduceOps.sumToShape(TestTensors.randomDouble(1, 1, 3), Shape.of(3)), 3);
    }

    @Test void sumToShapeIsDifferentiable() {
        Tensor g = TestTensors.randomDouble(42, 2, 3, 4).requiresGrad(true);
        GradCheck.check("sumToShape", in -> ReduceOps.sumToShape(in[0], Shape.of(3, 1)), g);
    }

    @Test void scalarTensorsReduceToThemselves() {
        Tensor s = Tensor.scalar(2.5, DType.FLOAT64, Device.CPU);
        assertEquals(2.5, s.sum().item());
        assertEquals(2.5, s.logSumExp(null, false).item());
        assertEquals(0, s.sum().rank());
    }
}

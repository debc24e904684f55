package dev.nabla.runtime.ops;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.SecondOrderCheck;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TensorClosedException;
import dev.nabla.runtime.TestDevices;
import dev.nabla.runtime.TestTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static dev.nabla.runtime.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Softmax and log-softmax: PyTorch fixtures, an independent float64 reference, gradients and bad input. */
class SoftmaxContractTest {
    private static final Fixtures FX = Fixtures.load("softmax/softmax.txt");

    static Stream<Arguments> devicesAndDTypes() {
        return TestDevices.all().flatMap(d -> Stream.of(Arguments.of(d, DType.FLOAT64), Arguments.of(d, DType.FLOAT32)));
    }

    private static double atol(DType t) { return t == DType.FLOAT64 ? 1e-12 : 1e-5; }

    private static double rtol(DType t) { return t == DType.FLOAT64 ? 1e-10 : 1e-4; }

    private static void checkFixture(String op, String tag, int axis, Device device, DType dtype) {
        Tensor x = FX.get("x_" + tag).tensor(dtype, device).requiresGrad(true);
        Tensor y = op.equals("softmax") ? x.softmax(axis) : x.logSoftmax(axis);
        assertClose(FX.get(op + "_" + tag + "_y").values(), y, atol(dtype), rtol(dtype), op + " " + tag + " forward");
        y.backward(FX.get("g_" + tag).tensor(dtype, device));
        assertClose(FX.get(op + "_" + tag + "_dx").values(), x.grad(), atol(dtype), rtol(dtype), op + " " + tag + " dx");
    }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void softmaxOverLastAxisMatchesPyTorch(Device device, DType dtype) { checkFixture("softmax", "last", -1, device, dtype); }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void softmaxOverMiddleAxisMatchesPyTorch(Device device, DType dtype) { checkFixture("softmax", "mid", 1, device, dtype); }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void logSoftmaxOverLastAxisMatchesPyTorch(Device device, DType dtype) { checkFixture("log_softmax", "last", -1, device, dtype); }

    @ParameterizedTest @MethodSource("devicesAndDTypes")
    void logSoftmaxOverMiddleAxisMatchesPyTorch(Device device, DType dtype) { checkFixture("log_softmax", "mid", 1, device, dtype); }

    /** Plain loops over [outer, n, inner] in float64. */
    private static double[] reference(double[] x, int[] dims, int axis, boolean log) {
        Shape s = Shape.of(dims);
        int outer = (int) s.numel(0, axis), n = dims[axis], inner = (int) s.numel(axis + 1, dims.length);
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < n; k++) max = Math.max(max, x[(o * n + k) * inner + j]);
                for (int k = 0; k < n; k++) sum += Math.exp(x[(o * n + k) * inner + j] - max);
                for (int k = 0; k < n; k++) {
                    int i = (o * n + k) * inner + j;
                    y[i] = log ? x[i] - max - Math.log(sum) : Math.exp(x[i] - max) / sum;
                }
            }
        }
        return y;
    }

    @ParameterizedTest @ValueSource(ints = {0, 1, 2})
    void everyAxisOfA3DTensorMatchesAFloat64Reference(int axis) {
        int[] dims = {3, 1, 300}; // a size-1 dim and an inner extent wider than one column block
        for (int[] d : new int[][]{dims, {2, 5, 7}}) {
            Tensor x = TestTensors.random(11, DType.FLOAT64, Device.CPU, d);
            double[] xv = x.toDoubleArray();
            for (DType dt : new DType[]{DType.FLOAT64, DType.FLOAT32}) {
                Tensor xt = Tensor.of(xv, Shape.of(d), dt, Device.CPU);
                assertClose(reference(xv, d, axis, false), xt.softmax(axis), atol(dt), rtol(dt), "softmax axis " + axis);
                assertClose(reference(xv, d, axis, true), xt.logSoftmax(axis), atol(dt), rtol(dt), "log_softmax axis " + axis);
            }
        }
    }

    @Test
    void hugeLogitsStayFiniteInFloat32() {
        Tensor x = Tensor.of(new float[]{1000f, 1001f, 1002f, -1000f, 0f, 1000f}, 2, 3);
        double[] p = x.softmax(-1).toDoubleArray();
        double[] lp = x.logSoftmax(-1).toDoubleArray();
        assertClose(reference(new double[]{1000, 1001, 1002, -1000, 0, 1000}, new int[]{2, 3}, 1, false), p, 1e-6, 1e-5, "softmax");
        assertClose(reference(new double[]{1000, 1001, 1002, -1000, 0, 1000}, new int[]{2, 3}, 1, true), lp, 1e-4, 1e-5, "log_softmax");
    }

    @Test
    void aScalarSoftmaxesToOne() {
        assertEquals(1.0, Tensor.scalar(3.5).softmax(0).item(), 0.0);
        assertEquals(0.0, Tensor.scalar(3.5).logSoftmax(-1).item(), 0.0);
    }

    @Test
    void anEmptyTensorGivesAnEmptyResult() {
        Tensor y = Tensor.zeros(Shape.of(0, 4), DType.FLOAT32).softmax(1);
        TestTensors.assertShape(y, 0, 4);
    }

    @ParameterizedTest @ValueSource(ints = {0, 1, 2, -1})
    void softmaxGradientMatchesFiniteDifferences(int axis) {
        Tensor x = TestTensors.randomDouble(3, 2, 3, 4).requiresGrad(true);
        GradCheck.check("softmax axis " + axis, in -> in[0].softmax(axis), x);
    }

    @ParameterizedTest @ValueSource(ints = {0, 1, 2, -1})
    void logSoftmaxGradientMatchesFiniteDifferences(int axis) {
        Tensor x = TestTensors.randomDouble(4, 2, 3, 4).requiresGrad(true);
        GradCheck.check("log_softmax axis " + axis, in -> in[0].logSoftmax(axis), x);
    }

    @ParameterizedTest @ValueSource(booleans = {false, true})
    void doubleBackwardMatchesFiniteDifferencesOfTheGradient(boolean log) {
        Tensor x = TestTensors.randomDouble(5, 3, 4).requiresGrad(true);
        Tensor v = TestTensors.randomDouble(6, 3, 4);
        SecondOrderCheck.check(log ? "log_softmax" : "softmax", in -> log ? in[0].logSoftmax(0) : in[0].softmax(0), v, x);
    }

    @Test
    void integerInputIsRejected() {
        var e = assertThrows(DTypeMismatchException.class, () -> Tensor.of(new int[]{1, 2}, 2).softmax(0));
        assertTrue(e.getMessage().contains("softmax") && e.getMessage().contains("INT32"), e.getMessage());
    }

    @Test
    void axisOutOfRangeNamesOpAndShape() {
        var e = assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(2, 3).logSoftmax(2));
        assertTrue(e.getMessage().contains("log_softmax") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void closedTensorIsRejected() {
        Tensor x = Tensor.zeros(2, 3);
        x.close();
        var e = assertThrows(TensorClosedException.class, () -> x.softmax(1));
        assertTrue(e.getMessage().contains("softmax"), e.getMessage());
    }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TensorClosedException;
import dev.nabla.runtime.backend.ReduceOp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad arguments to elementwise ops and reductions fail with a specific exception that names the op and shapes. */
class ElementwiseBadInputTest {
    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention " + p);
    }

    @Test void dtypeMismatchNamesTheOpAndBothDTypes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(Shape.of(2, 3), DType.FLOAT64);
        assertMentions(assertThrows(DTypeMismatchException.class, () -> a.add(b)), "add", "FLOAT32", "FLOAT64");
        assertMentions(assertThrows(DTypeMismatchException.class, () -> a.lt(b)), "lt", "FLOAT32", "FLOAT64");
        assertMentions(assertThrows(DTypeMismatchException.class, () -> Tensor.where(a, a, b)), "where", "FLOAT32", "FLOAT64");
    }

    @Test void broadcastFailureNamesTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4);
        assertMentions(assertThrows(ShapeMismatchException.class, () -> a.mul(b)), "mul", "[2, 3]", "[4]");
        assertMentions(assertThrows(ShapeMismatchException.class, () -> a.ge(Tensor.zeros(2, 2))), "ge", "[2, 3]", "[2, 2]");
    }

    @Test void maskThatWouldGrowTheTensorIsRejected() {
        Tensor x = Tensor.zeros(3), mask = Tensor.zeros(2, 3);
        assertMentions(assertThrows(ShapeMismatchException.class, () -> x.maskedFill(mask, 0)), "masked_fill", "[2, 3]", "[3]");
    }

    @Test void closedTensorIsRejected() {
        Tensor x = Tensor.ones(2, 2);
        x.close();
        assertMentions(assertThrows(TensorClosedException.class, x::exp), "exp", "[2, 2]");
        assertMentions(assertThrows(TensorClosedException.class, () -> Tensor.ones(2, 2).add(x)), "add");
        assertMentions(assertThrows(TensorClosedException.class, x::sum), "sum");
    }

    @Test void floatingOnlyOpsRejectIntegers() {
        Tensor i = Tensor.of(new int[]{1, 2}, 2);
        assertMentions(assertThrows(DTypeMismatchException.class, i::log), "log", "INT32");
        assertMentions(assertThrows(DTypeMismatchException.class, i::mean), "mean", "INT32");
        assertMentions(assertThrows(DTypeMismatchException.class, () -> i.logSumExp(null, false)), "logsumexp", "INT32");
        assertMentions(assertThrows(DTypeMismatchException.class, () -> i.variance(null, true, false)), "var", "INT32");
    }

    @Test void clampWithMinAboveMaxIsRejected() {
        assertMentions(assertThrows(InvalidArgumentException.class, () -> Tensor.ones(2).clamp(2, 1)), "clamp", "2.0", "1.0");
    }

    @Test void integerDivisionByZeroIsRejected() {
        Tensor a = Tensor.of(new long[]{1, 2}, 2), b = Tensor.of(new long[]{1, 0}, 2);
        assertMentions(assertThrows(InvalidArgumentException.class, () -> a.div(b)), "div", "zero");
    }

    @Test void axisOutOfRangeNamesTheOpAndShape() {
        Tensor x = Tensor.zeros(2, 3);
        assertMentions(assertThrows(ShapeMismatchException.class, () -> x.sum(2)), "sum", "[2, 3]", "2");
        assertMentions(assertThrows(ShapeMismatchException.class, () -> x.mean(-3)), "mean", "[2, 3]");
        assertMentions(assertThrows(ShapeMismatchException.class, () -> x.argmax(5, false)), "argmax", "[2, 3]");
    }

    @Test void repeatedAxisIsRejected() {
        Tensor x = Tensor.zeros(2, 3);
        assertMentions(assertThrows(ShapeMismatchException.class, () -> x.sum(new int[]{1, -1}, false)), "sum", "twice");
    }

    @Test void maxOverAnEmptyAxisIsRejected() {
        Tensor x = Tensor.zeros(Shape.of(2, 0), DType.FLOAT32, Device.CPU);
        assertMentions(assertThrows(InvalidArgumentException.class, () -> x.max(new int[]{1}, false)), "max", "[2, 0]");
        assertMentions(assertThrows(InvalidArgumentException.class, () -> x.argmax(1, false)), "argmax", "[2, 0]");
        // The sum of nothing is 0, as in PyTorch.
        assertTrue(ReduceOps.reduce(ReduceOp.SUM, x, new int[]{1}, false).toFloatArray()[0] == 0f);
    }

    @Test void sumToShapeRejectsATargetThatDoesNotBroadcast() {
        Tensor g = Tensor.zeros(2, 3);
        assertMentions(assertThrows(ShapeMismatchException.class, () -> ReduceOps.sumToShape(g, Shape.of(2))), "sum_to_shape", "[2, 3]", "[2]");
        assertMentions(assertThrows(ShapeMismatchException.class, () -> ReduceOps.sumToShape(g, Shape.of(1, 2, 3))), "sum_to_shape");
    }
}

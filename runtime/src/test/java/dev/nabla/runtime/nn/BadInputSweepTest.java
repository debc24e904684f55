package dev.nabla.runtime.nn;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TensorClosedException;
import dev.nabla.runtime.cpu.CpuBackend;
import dev.nabla.runtime.ops.IndexOps;
import dev.nabla.runtime.ops.ShapeOps;
import dev.nabla.runtime.random.Generator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 2's bad-input list across every op family in one place: a closed argument, a wrong dtype, an axis out of
 * range and a non-positive size each raise the specific exception, whose message names the op and the shape, and
 * nothing is allocated on the way.
 */
class BadInputSweepTest {
    private static Tensor f(int... dims) { return Tensor.zeros(Shape.of(dims), DType.FLOAT32, Device.CPU); }

    private static Tensor lng(int... dims) { return Tensor.zeros(Shape.of(dims), DType.INT64, Device.CPU); }

    /** One op applied to a tensor of shape [2, 3, 4, 4] (the argument under test) with valid other arguments. */
    record Op(String name, Function<Tensor, Object> call) {
        @Override public String toString() { return name; }
    }

    static Stream<Op> opsOnAFloatTensor() {
        return Stream.of(
                new Op("matmul", x -> x.matmul(f(2, 3, 4, 5))),
                new Op("softmax", x -> x.softmax(1)),
                new Op("log_softmax", x -> x.logSoftmax(-1)),
                new Op("var", x -> x.variance(new int[]{1}, true, true)),
                new Op("logsumexp", x -> x.logSumExp(new int[]{2}, false)),
                new Op("argmax", x -> x.argmax(1, false)),
                new Op("where", x -> Tensor.where(f(4), x, f(4))),
                new Op("masked_fill", x -> x.maskedFill(f(4), 0)),
                new Op("pow", x -> x.pow(f(4))),
                new Op("gather", x -> x.gather(1, lng(2, 3, 4, 4))),
                new Op("index_select", x -> x.indexSelect(1, lng(2))),
                new Op("concat", x -> Tensor.concat(List.of(f(2, 3, 4, 4), x), 1)),
                new Op("stack", x -> Tensor.stack(List.of(x, f(2, 3, 4, 4)), 0)),
                new Op("split", x -> x.split(1, 1)),
                new Op("pad", x -> x.pad(new int[]{1, 1}, 0)),
                new Op("expand", x -> x.expand(2, 2, 3, 4, 4)),
                new Op("permute", x -> x.permute(3, 2, 1, 0)),
                new Op("conv2d", x -> F.conv2d(x, f(2, 3, 3, 3), null, 1, 1)),
                new Op("max_pool2d", x -> F.maxPool2d(x, 2)),
                new Op("avg_pool2d", x -> F.avgPool2d(x, 2)),
                new Op("layer_norm", x -> F.layerNorm(x, new int[]{4}, null, null, 1e-5)),
                new Op("batch_norm", x -> F.batchNorm(x, null, null, null, null, true, 0.1, 1e-5)),
                new Op("dropout", x -> F.dropout(x, 0.5, true, new Generator(1))),
                new Op("scaled_dot_product_attention", x -> F.scaledDotProductAttention(x, f(2, 3, 4, 4), f(2, 3, 4, 4), null, true)),
                new Op("cross_entropy", x -> F.crossEntropy(x, lng(2, 4, 4))),
                new Op("nll_loss", x -> F.nllLoss(x, lng(2, 4, 4), Reduction.MEAN, -100)),
                new Op("mse_loss", x -> F.mseLoss(x, f(2, 3, 4, 4))),
                new Op("l1_loss", x -> F.l1Loss(x, f(2, 3, 4, 4))),
                new Op("binary_cross_entropy_with_logits", x -> F.bceWithLogits(x, f(2, 3, 4, 4))));
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention " + p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("opsOnAFloatTensor")
    void aClosedArgumentIsRejectedNamingTheOpAndShape(Op op) {
        Tensor x = f(2, 3, 4, 4);
        x.close();
        long before = CpuBackend.instance().memoryStats().allocated();
        try (Scope s = Scope.open()) { // closes the other arguments; a raw buffer allocated before the check would stay
            var e = assertThrows(TensorClosedException.class, () -> op.call().apply(x));
            assertMentions(e, op.name(), "[2, 3, 4, 4]");
        }
        // <=: the cleaner may free an earlier test's leaked tensor meanwhile.
        assertTrue(CpuBackend.instance().memoryStats().allocated() <= before, "nothing half-allocated");
    }

    static Stream<Op> floatingOnlyOps() {
        return opsOnAFloatTensor().filter(op -> !List.of("argmax", "where", "masked_fill", "pow", "gather", "index_select",
                "concat", "stack", "split", "pad", "expand", "permute").contains(op.name()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("floatingOnlyOps")
    void anIntegerInputIsADTypeMismatchNamingTheOp(Op op) {
        Tensor x = lng(2, 3, 4, 4);
        var e = assertThrows(DTypeMismatchException.class, () -> op.call().apply(x));
        assertMentions(e, op.name(), "INT64");
    }

    static Stream<Arguments> axisOutOfRange() {
        Function<Tensor, Object> softmax = x -> x.softmax(4), argmin = x -> x.argmin(-5, true),
                variance = x -> x.variance(new int[]{0, 7}, false, false), gather = x -> x.gather(4, lng(2, 3, 4, 4)),
                indexSelect = x -> x.indexSelect(-5, lng(1)), concat = x -> Tensor.concat(List.of(x, x), 4),
                stack = x -> Tensor.stack(List.of(x, x), 5), split = x -> x.split(1, 4), narrow = x -> x.narrow(4, 0, 1),
                slice = x -> x.slice(-5, 0, 1, 1), squeeze = x -> x.squeeze(4), unsqueeze = x -> x.unsqueeze(6),
                transpose = x -> x.transpose(0, 4), flatten = x -> x.flatten(1, 4);
        return Stream.of(Arguments.of("softmax", softmax), Arguments.of("argmin", argmin), Arguments.of("var", variance),
                Arguments.of("gather", gather), Arguments.of("index_select", indexSelect), Arguments.of("concat", concat),
                Arguments.of("stack", stack), Arguments.of("split", split), Arguments.of("narrow", narrow),
                Arguments.of("slice", slice), Arguments.of("squeeze", squeeze), Arguments.of("unsqueeze", unsqueeze),
                Arguments.of("transpose", transpose), Arguments.of("flatten", flatten));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("axisOutOfRange")
    void anAxisOutOfRangeIsAShapeMismatchNamingTheOpAndShape(String name, Function<Tensor, Object> call) {
        Tensor x = f(2, 3, 4, 4);
        var e = assertThrows(ShapeMismatchException.class, () -> call.apply(x));
        assertMentions(e, name, "[2, 3, 4, 4]");
    }

    static Stream<Arguments> nonPositiveSizes() {
        Function<Tensor, Object> splitZero = x -> x.split(0, 1), oneHotZero = x -> IndexOps.oneHot(lng(3), 0, DType.FLOAT32),
                narrowNegative = x -> x.narrow(1, 0, -1), reshapeNegative = x -> x.reshape(2, -3, 16),
                expandNegative = x -> x.expand(2, 3, -4, 4), maxPoolZero = x -> F.maxPool2d(x, 0),
                convStrideZero = x -> F.conv2d(x, f(2, 3, 3, 3), null, new int[]{0, 1}, new int[]{0, 0}, new int[]{1, 1}, 1),
                sliceStepZero = x -> ShapeOps.slice(x, 1, 0, 3, 0);
        return Stream.of(Arguments.of("split", splitZero), Arguments.of("one_hot", oneHotZero),
                Arguments.of("narrow", narrowNegative), Arguments.of("reshape", reshapeNegative),
                Arguments.of("expand", expandNegative), Arguments.of("max_pool2d", maxPoolZero),
                Arguments.of("conv2d", convStrideZero), Arguments.of("slice", sliceStepZero));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonPositiveSizes")
    void aNonPositiveSizeIsRejectedNamingTheOp(String name, Function<Tensor, Object> call) {
        Tensor x = f(2, 3, 4, 4);
        var e = assertThrows(NablaException.class, () -> call.apply(x));
        assertTrue(e instanceof InvalidArgumentException || e instanceof ShapeMismatchException, e.toString());
        assertMentions(e, name);
    }

    static Stream<Arguments> floatingIndices() {
        Function<Tensor, Object> oneHot = i -> IndexOps.oneHot(i, 4, DType.FLOAT32), embedding = i -> F.embedding(f(5, 2), i),
                gather = i -> f(2, 3).gather(1, i), indexSelect = i -> f(2, 3).indexSelect(1, i.reshape(4));
        return Stream.of(Arguments.of("one_hot", oneHot), Arguments.of("embedding", embedding),
                Arguments.of("gather", gather), Arguments.of("index_select", indexSelect));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("floatingIndices")
    void aFloatingIndexTensorIsADTypeMismatchNamingTheOpAndShape(String name, Function<Tensor, Object> call) {
        Tensor index = Tensor.of(new float[]{0, 1, Float.NaN, 1}, 2, 2);
        var e = assertThrows(DTypeMismatchException.class, () -> call.apply(index));
        assertMentions(e, name, "FLOAT32");
    }
}

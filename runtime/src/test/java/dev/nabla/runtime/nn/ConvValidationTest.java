package dev.nabla.runtime.nn;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.NablaException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TensorClosedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conv2d rejects bad arguments with the specific exception and a message naming op and shapes. */
class ConvValidationTest {
    private static final int[] ONE = {1, 1}, ZERO = {0, 0};

    private static Tensor t(DType dtype, int... dims) {
        return Tensor.zeros(Shape.of(dims), dtype, Device.CPU);
    }

    private static Tensor t(int... dims) { return t(DType.FLOAT64, dims); }

    private static <E extends NablaException> E expect(Class<E> type, Executable call, String... fragments) {
        E e = assertThrows(type, call);
        assertTrue(e.getMessage().startsWith("conv2d"), "message names the op: " + e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message mentions " + f + ": " + e.getMessage());
        return e;
    }

    @Test
    void inputOfRankThreeIsAShapeMismatch() {
        Tensor x = t(3, 5, 5), w = t(2, 3, 3, 3);
        expect(ShapeMismatchException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 1), "4-D", "[3, 5, 5]");
    }

    @Test
    void weightOfRankTwoIsAShapeMismatch() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 3);
        expect(ShapeMismatchException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 1), "weight", "[2, 3]");
    }

    @Test
    void weightChannelsDifferentFromInputChannelsIsAShapeMismatch() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 4, 3, 3);
        expect(ShapeMismatchException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 1),
                "[1, 3, 5, 5]", "[2, 4, 3, 3]");
    }

    @Test
    void groupsNotDividingInputChannelsIsAShapeMismatch() {
        Tensor x = t(1, 3, 5, 5), w = t(4, 1, 3, 3);
        expect(ShapeMismatchException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 2),
                "groups=2", "[1, 3, 5, 5]", "[4, 1, 3, 3]");
    }

    @Test
    void groupsNotDividingOutputChannelsIsAShapeMismatch() {
        Tensor x = t(1, 4, 5, 5), w = t(3, 2, 3, 3);
        expect(ShapeMismatchException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 2),
                "groups=2", "[3, 2, 3, 3]");
    }

    @Test
    void zeroGroupsIsInvalid() {
        Tensor x = t(1, 4, 5, 5), w = t(3, 4, 3, 3);
        expect(InvalidArgumentException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 0), "groups");
    }

    @Test
    void biasOfWrongLengthIsAShapeMismatch() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 3, 3, 3), b = t(3);
        expect(ShapeMismatchException.class, () -> ConvOps.conv2d(x, w, b, ONE, ZERO, ONE, 1), "bias", "[3]", "[2]");
    }

    @Test
    void zeroStrideIsInvalid() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 3, 3, 3);
        expect(InvalidArgumentException.class, () -> ConvOps.conv2d(x, w, null, new int[]{1, 0}, ZERO, ONE, 1), "stride", "[1, 0]");
    }

    @Test
    void zeroDilationIsInvalid() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 3, 3, 3);
        expect(InvalidArgumentException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, new int[]{0, 1}, 1), "dilation");
    }

    @Test
    void negativePaddingIsInvalid() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 3, 3, 3);
        expect(InvalidArgumentException.class, () -> ConvOps.conv2d(x, w, null, ONE, new int[]{-1, 0}, ONE, 1), "padding", "[-1, 0]");
    }

    @Test
    void kernelLargerThanPaddedInputIsAShapeMismatch() {
        Tensor x = t(1, 3, 2, 5), w = t(2, 3, 3, 3);
        expect(ShapeMismatchException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 1),
                "larger than the padded input", "[1, 3, 2, 5]", "[2, 3, 3, 3]");
    }

    @Test
    void dilatedKernelLargerThanInputIsAShapeMismatch() {
        Tensor x = t(1, 3, 4, 4), w = t(2, 3, 3, 3);
        expect(ShapeMismatchException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, new int[]{2, 2}, 1),
                "dilation", "[1, 3, 4, 4]");
    }

    @Test
    void weightOfAnotherDTypeIsADTypeMismatch() {
        Tensor x = t(DType.FLOAT64, 1, 3, 5, 5), w = t(DType.FLOAT32, 2, 3, 3, 3);
        expect(DTypeMismatchException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 1), "FLOAT64", "FLOAT32");
    }

    @Test
    void biasOfAnotherDTypeIsADTypeMismatch() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 3, 3, 3), b = t(DType.FLOAT32, 2);
        expect(DTypeMismatchException.class, () -> ConvOps.conv2d(x, w, b, ONE, ZERO, ONE, 1), "FLOAT32");
    }

    @Test
    void integerInputIsADTypeMismatch() {
        Tensor x = t(DType.INT32, 1, 3, 5, 5), w = t(DType.INT32, 2, 3, 3, 3);
        expect(DTypeMismatchException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 1), "INT32");
    }

    @Test
    void closedInputIsReported() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 3, 3, 3);
        x.close();
        expect(TensorClosedException.class, () -> ConvOps.conv2d(x, w, null, ONE, ZERO, ONE, 1), "[1, 3, 5, 5]");
    }

    @Test
    void closedBiasIsReported() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 3, 3, 3), b = t(2);
        b.close();
        expect(TensorClosedException.class, () -> ConvOps.conv2d(x, w, b, ONE, ZERO, ONE, 1), "[2]");
    }

    @Test
    void strideArrayOfThreeValuesIsInvalid() {
        Tensor x = t(1, 3, 5, 5), w = t(2, 3, 3, 3);
        expect(InvalidArgumentException.class, () -> ConvOps.conv2d(x, w, null, new int[]{1, 1, 1}, ZERO, ONE, 1), "stride");
    }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.*;
import dev.nabla.runtime.nn.F;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.nabla.runtime.TestTensors.assertClose;
import static dev.nabla.runtime.TestTensors.assertShape;
import static org.junit.jupiter.api.Assertions.*;

/** Contract of the index ops: forward against loops, backward by GradCheck (with repeated indices), bad indices. */
class IndexContractTest {
    private static final String DEVICES = "dev.nabla.runtime.TestDevices#all";

    private static Tensor idx(Device dev, DType dt, int[] values, int... dims) {
        return Tensor.of(values, Shape.of(dims), dt, dev);
    }

    private static Tensor leaf(long seed, int... dims) { return TestTensors.randomDouble(seed, dims).requiresGrad(true); }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void indexSelectAlongTheMiddleAxisMatchesLoop(Device dev) {
        for (DType it : new DType[]{DType.INT32, DType.INT64}) {
            Tensor x = TestTensors.random(1, DType.FLOAT32, dev, 2, 5, 3);
            int[] sel = {4, 0, 4, 2};
            Tensor y = x.indexSelect(1, idx(dev, it, sel, 4));
            assertShape(y, 2, 4, 3);
            double[] xv = x.toDoubleArray(), v = y.toDoubleArray();
            for (int f = 0; f < v.length; f++) {
                int[] i = Ref.unflat(new int[]{2, 4, 3}, f);
                assertEquals(xv[Ref.flat(new int[]{2, 5, 3}, new int[]{i[0], sel[i[1]], i[2]})], v[f], 0, "index_select " + it);
            }
        }
    }

    @Test
    void indexSelectOutOfRangeNamesOpValueAndDimSize() {
        Tensor x = Tensor.zeros(5, 2);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> x.indexSelect(0, Tensor.of(new long[]{1, 7}, 2)));
        assertMessage(e, "index_select", "7", "5");
    }

    @Test
    void indexSelectWithAFloatIndexIsRejected() {
        DTypeMismatchException e = assertThrows(DTypeMismatchException.class,
                () -> Tensor.zeros(5, 2).indexSelect(0, Tensor.zeros(2)));
        assertMessage(e, "index_select", "FLOAT32");
    }

    @Test
    void indexSelectWithATwoDimIndexIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.zeros(5, 2).indexSelect(0, Tensor.of(new int[]{0, 1}, 1, 2)));
        assertMessage(e, "index_select", "[1, 2]", "[5, 2]");
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void gatherWithASmallerIndexMatchesLoop(Device dev) {
        Tensor x = TestTensors.random(2, DType.FLOAT64, dev, 3, 4, 5);
        int[] id = {3, 0, 1, 1, 2, 3, 0, 0, 2, 1, 3, 3};
        int[] idims = {2, 3, 2};
        Tensor y = x.gather(1, idx(dev, DType.INT64, id, idims));
        assertShape(y, idims);
        double[] xv = x.toDoubleArray(), v = y.toDoubleArray();
        for (int f = 0; f < v.length; f++) {
            int[] i = Ref.unflat(idims, f);
            assertEquals(xv[Ref.flat(new int[]{3, 4, 5}, new int[]{i[0], id[f], i[2]})], v[f], 0);
        }
    }

    @Test
    void gatherWithAnIndexOfAnotherRankIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.zeros(3, 4).gather(1, Tensor.of(new int[]{0, 1}, 2)));
        assertMessage(e, "gather", "[2]", "[3, 4]");
    }

    @Test
    void gatherWithAnIndexLargerOutsideTheAxisIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.zeros(3, 4).gather(1, Tensor.of(new int[8], 4, 2)));
        assertMessage(e, "gather", "[4, 2]", "[3, 4]");
    }

    @Test
    void gatherOutOfRangeNamesTheValue() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> Tensor.zeros(3, 4).gather(1, Tensor.of(new int[]{0, -1, 2}, 3, 1)));
        assertMessage(e, "gather", "-1", "4");
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void oneHotAppendsAClassDim(Device dev) {
        Tensor y = Tensor.oneHot(idx(dev, DType.INT64, new int[]{2, 0, 1, 2}, 2, 2), 3, DType.FLOAT32);
        assertShape(y, 2, 2, 3);
        assertArrayEquals(new double[]{0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}, y.toDoubleArray());
    }

    @Test
    void oneHotRejectsNegativeAndTooLargeIndices() {
        InvalidArgumentException neg = assertThrows(InvalidArgumentException.class,
                () -> Tensor.oneHot(Tensor.of(new int[]{0, -2}, 2), 3, DType.FLOAT32));
        assertMessage(neg, "one_hot", "-2", "3");
        InvalidArgumentException big = assertThrows(InvalidArgumentException.class,
                () -> Tensor.oneHot(Tensor.of(new int[]{3}, 1), 3, DType.FLOAT32));
        assertMessage(big, "one_hot", "3");
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void embeddingLooksUpRowsForIndicesOfAnyShape(Device dev) {
        Tensor w = TestTensors.random(3, DType.FLOAT32, dev, 6, 4);
        int[] id = {5, 1, 1, 0, 5, 2};
        Tensor y = F.embedding(w, idx(dev, DType.INT32, id, 2, 3));
        assertShape(y, 2, 3, 4);
        double[] wv = w.toDoubleArray(), v = y.toDoubleArray();
        for (int f = 0; f < v.length; f++) assertEquals(wv[id[f / 4] * 4 + f % 4], v[f], 0);
    }

    @Test
    void embeddingOutOfRangeNamesEmbeddingAndTheValue() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> F.embedding(Tensor.zeros(6, 4), Tensor.of(new int[]{6}, 1)));
        assertMessage(e, "embedding", "6", "[6, 4]");
    }

    @Test
    void embeddingOfAOneDimWeightIsRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> F.embedding(Tensor.zeros(6), Tensor.of(new int[]{1}, 1)));
        assertMessage(e, "embedding", "[6]");
    }

    @Test
    void indexAddOfManyRepeatedIndicesMatchesLoop() {
        int rows = 7, cols = 1100, n = 900;
        int[] id = new int[n];
        for (int k = 0; k < n; k++) id[k] = (k * 5) % rows;
        Tensor src = TestTensors.randomDouble(4, n, cols);
        Tensor y = IndexOps.indexAdd(src, Shape.of(rows, cols), 0, Tensor.of(id, n));
        double[] sv = src.toDoubleArray(), e = new double[rows * cols];
        for (int k = 0; k < n; k++) for (int c = 0; c < cols; c++) e[id[k] * cols + c] += sv[k * cols + c];
        assertClose(e, y, 1e-12, 1e-12, "index_add");
    }

    /**
     * An embedding's gradient: one output row group ([vocab, width] along axis 0) of a width under the scatter
     * kernels' column block, which the CPU backend splits into narrower column tasks for its threads; every sum
     * keeps its order, so float32 matches the loop exactly.
     */
    @Test
    void indexAddOfOneNarrowRowGroupMatchesLoopExactly() {
        int rows = 96, cols = 128, n = 2048;
        int[] id = new int[n];
        for (int k = 0; k < n; k++) id[k] = (k * 37) % rows;
        Tensor src = TestTensors.randomDouble(6, n, cols).to(DType.FLOAT32);
        Tensor y = IndexOps.indexAdd(src, Shape.of(rows, cols), 0, Tensor.of(id, n));
        float[] sv = src.toFloatArray(), e = new float[rows * cols];
        for (int k = 0; k < n; k++) for (int c = 0; c < cols; c++) e[id[k] * cols + c] += sv[k * cols + c];
        assertArrayEquals(e, y.toFloatArray(), "index_add [2048, 128] into [96, 128]");
    }

    @Test
    void scatterAddOfRepeatedIndicesMatchesLoop() {
        int[] id = {1, 1, 0, 2, 2, 2};
        Tensor src = TestTensors.randomDouble(5, 2, 3);
        Tensor y = IndexOps.scatterAdd(src, Shape.of(2, 4), 1, Tensor.of(id, 2, 3));
        double[] sv = src.toDoubleArray(), e = new double[8];
        for (int f = 0; f < 6; f++) e[(f / 3) * 4 + id[f]] += sv[f];
        assertClose(e, y, 1e-15, 0, "scatter_add");
    }

    // ---------------------------------------------------------------- gradients

    @Test
    void indexSelectGradientWithRepeatedIndices() {
        Tensor index = Tensor.of(new long[]{2, 0, 2, 2}, 4);
        GradCheck.check("index_select", in -> in[0].indexSelect(1, index), leaf(6, 2, 3, 2));
    }

    @Test
    void gatherGradientWithRepeatedIndices() {
        Tensor index = Tensor.of(new int[]{0, 0, 2, 1, 1, 1}, 3, 2);
        GradCheck.check("gather", in -> in[0].gather(1, index), leaf(7, 3, 3));
    }

    @Test
    void embeddingGradientWithRepeatedIndices() {
        Tensor index = Tensor.of(new int[]{3, 1, 3, 3, 0, 1}, 2, 3);
        GradCheck.check("embedding", in -> F.embedding(in[0], index), leaf(8, 4, 5));
    }

    @Test
    void indexAddGradient() {
        Tensor index = Tensor.of(new int[]{1, 1, 0}, 3);
        GradCheck.check("index_add", in -> IndexOps.indexAdd(in[0], Shape.of(2, 2), 0, index), leaf(9, 3, 2));
    }

    @Test
    void scatterAddGradient() {
        Tensor index = Tensor.of(new int[]{2, 2, 0, 1}, 2, 2);
        GradCheck.check("scatter_add", in -> IndexOps.scatterAdd(in[0], Shape.of(2, 3), 1, index), leaf(10, 2, 2));
    }
}

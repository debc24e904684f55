package dev.nabla.runtime.ops;

import dev.nabla.runtime.*;
import dev.nabla.runtime.cpu.CpuGemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;

import static dev.nabla.runtime.TestTensors.assertClose;
import static dev.nabla.runtime.TestTensors.assertShape;
import static org.junit.jupiter.api.Assertions.*;

/** Contract of matmul (NumPy semantics, broadcast batches, transpose flags) and of CpuGemm against a triple loop. */
class MatmulContractTest {
    private static final String DEVICES = "dev.nabla.runtime.TestDevices#all";

    private static Tensor leaf(long seed, int... dims) { return TestTensors.randomDouble(seed, dims).requiresGrad(true); }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
    }

    /** Checks op(a) @ op(b) on dev against Ref.matmul, in both float dtypes. */
    private static void checkMatmul(Device dev, int[] ad, boolean ta, int[] bd, boolean tb, int[] batch, int[] expectedDims) {
        for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT64}) {
            Tensor a = TestTensors.random(11, dt, dev, ad), b = TestTensors.random(12, dt, dev, bd);
            Tensor c = a.matmul(b, ta, tb);
            assertShape(c, expectedDims);
            int[] a2 = ad.length == 1 ? new int[]{1, ad[0]} : ad, b2 = bd.length == 1 ? new int[]{bd[0], 1} : bd;
            double[] e = Ref.matmul(a.toDoubleArray(), a2, ta && ad.length > 1, b.toDoubleArray(), b2, tb && bd.length > 1, batch);
            assertClose(e, c, TestDevices.atol(dt) * 10, TestDevices.rtol(dt), "matmul " + dt);
        }
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void plainProductOfNonSquareMatrices(Device dev) {
        checkMatmul(dev, new int[]{3, 5}, false, new int[]{5, 2}, false, new int[0], new int[]{3, 2});
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void transposeFlagsApplyToTheLastTwoDims(Device dev) {
        checkMatmul(dev, new int[]{5, 3}, true, new int[]{5, 2}, false, new int[0], new int[]{3, 2});
        checkMatmul(dev, new int[]{3, 5}, false, new int[]{2, 5}, true, new int[0], new int[]{3, 2});
        checkMatmul(dev, new int[]{2, 5, 3}, true, new int[]{2, 4, 5}, true, new int[]{2}, new int[]{2, 3, 4});
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void vectorDotVectorIsAScalar(Device dev) {
        checkMatmul(dev, new int[]{7}, false, new int[]{7}, false, new int[0], new int[0]);
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void vectorTimesMatrixAndMatrixTimesVectorDropTheOne(Device dev) {
        checkMatmul(dev, new int[]{4}, false, new int[]{4, 3}, false, new int[0], new int[]{3});
        checkMatmul(dev, new int[]{3, 4}, false, new int[]{4}, false, new int[0], new int[]{3});
        checkMatmul(dev, new int[]{2, 3, 4}, false, new int[]{4}, false, new int[]{2}, new int[]{2, 3});
    }

    @ParameterizedTest @MethodSource(DEVICES)
    void batchDimsBroadcast(Device dev) {
        checkMatmul(dev, new int[]{2, 1, 3, 4}, false, new int[]{5, 4, 2}, false, new int[]{2, 5}, new int[]{2, 5, 3, 2});
        checkMatmul(dev, new int[]{3, 4}, false, new int[]{2, 3, 4, 2}, false, new int[]{2, 3}, new int[]{2, 3, 3, 2});
    }

    @Test
    void innerDimMismatchNamesBothShapes() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        assertMessage(e, "matmul", "[2, 3]", "[4, 5]");
    }

    @Test
    void unbroadcastableBatchDimsAreRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)));
        assertMessage(e, "matmul", "[2, 3, 4]", "[3, 4, 5]");
    }

    @Test
    void scalarOperandsAreRejected() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.scalar(2).matmul(Tensor.zeros(3)));
        assertMessage(e, "matmul", "[]", "[3]");
    }

    @Test
    void mixedDTypesAreRejected() {
        DTypeMismatchException e = assertThrows(DTypeMismatchException.class,
                () -> Tensor.zeros(2, 2).matmul(Tensor.zeros(Shape.of(2, 2), DType.FLOAT64)));
        assertMessage(e, "matmul", "FLOAT32", "FLOAT64");
    }

    @Test
    void integerOperandsAreRejected() {
        DTypeMismatchException e = assertThrows(DTypeMismatchException.class,
                () -> Tensor.of(new int[]{1, 2, 3, 4}, 2, 2).matmul(Tensor.of(new int[]{1, 2, 3, 4}, 2, 2)));
        assertMessage(e, "matmul", "INT32");
    }

    // ---------------------------------------------------------------- CpuGemm

    /** C = alpha op(A) op(B) + beta C against a triple loop, with offsets and padded leading dims. */
    private static void checkGemm(int m, int n, int k, boolean ta, boolean tb, double alpha, double beta, Random r) {
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1, off = 5;
        int aRows = ta ? k : m, bRows = tb ? n : k;
        double[] a = new double[off + aRows * lda], b = new double[off + bRows * ldb], c = new double[off + m * ldc];
        for (int i = 0; i < a.length; i++) a[i] = r.nextDouble() - 0.5;
        for (int i = 0; i < b.length; i++) b[i] = r.nextDouble() - 0.5;
        for (int i = 0; i < c.length; i++) c[i] = r.nextDouble() - 0.5;
        double[] e = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (ta ? a[off + p * lda + i] : a[off + i * lda + p]) * (tb ? b[off + j * ldb + p] : b[off + p * ldb + j]);
                }
                e[off + i * ldc + j] = alpha * s + beta * c[off + i * ldc + j];
            }
        }
        float[] af = new float[a.length], bf = new float[b.length], cf = new float[c.length];
        for (int i = 0; i < a.length; i++) af[i] = (float) a[i];
        for (int i = 0; i < b.length; i++) bf[i] = (float) b[i];
        for (int i = 0; i < c.length; i++) cf[i] = (float) c[i];
        double[] cd = c.clone();
        CpuGemm.dgemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, cd, off, ldc);
        CpuGemm.sgemm(ta, tb, m, n, k, (float) alpha, af, off, lda, bf, off, ldb, (float) beta, cf, off, ldc);
        String what = String.format("gemm m=%d n=%d k=%d ta=%b tb=%b", m, n, k, ta, tb);
        assertClose(e, cd, 1e-12, 1e-10, what + " f64");
        double[] cfd = new double[cf.length];
        for (int i = 0; i < cf.length; i++) cfd[i] = cf[i];
        assertClose(e, cfd, 2e-5 * Math.sqrt(k + 1), 1e-4, what + " f32");
        // Elements outside C's m x n window (padding of ldc, the offset) stay untouched.
        for (int i = 0; i < off; i++) assertEquals(c[i], cd[i]);
        for (int i = 0; i < m; i++) assertEquals(c[off + i * ldc + n], cd[off + i * ldc + n]);
    }

    @Test
    void gemmMatchesTripleLoopForOddSizesAndAllTransposes() {
        Random r = new Random(42);
        int[] sizes = {1, 7, 33, 65, 130};
        for (int m : sizes) for (int n : sizes) for (int k : new int[]{1, 33, 130}) {
            for (int t = 0; t < 4; t++) checkGemm(m, n, k, (t & 1) != 0, (t & 2) != 0, 1, 0, r);
        }
    }

    @Test
    void gemmAcrossSeveralCacheBlocksWithAlphaAndBeta() {
        Random r = new Random(43);
        checkGemm(70, 600, 530, false, false, 0.5, -1.5, r);
        checkGemm(70, 600, 530, true, true, 2.0, 1.0, r);
    }

    @Test
    void gemmWithBetaZeroIgnoresNaNsInC() {
        double[] a = {1, 2, 3, 4}, b = {1, 0, 0, 1}, c = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        CpuGemm.dgemm(false, false, 2, 2, 2, 1, a, 0, 2, b, 0, 2, 0, c, 0, 2);
        assertArrayEquals(new double[]{1, 2, 3, 4}, c);
    }

    @Test
    void gemmWithZeroInnerDimScalesC() {
        float[] c = {1, 2, 3, 4};
        CpuGemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 2f, c, 0, 2);
        assertArrayEquals(new float[]{2, 4, 6, 8}, c);
    }

    // ---------------------------------------------------------------- gradients

    @Test
    void gradientOfPlainProduct() {
        GradCheck.check("matmul", in -> in[0].matmul(in[1]), leaf(1, 3, 4), leaf(2, 4, 2));
    }

    @Test
    void gradientWithEveryTransposeCombination() {
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            Tensor a = ta ? leaf(3, 4, 3) : leaf(3, 3, 4), b = tb ? leaf(4, 2, 4) : leaf(4, 4, 2);
            GradCheck.check("matmul ta=" + ta + " tb=" + tb, in -> in[0].matmul(in[1], ta, tb), a, b);
        }
    }

    @Test
    void gradientOfVectorCases() {
        GradCheck.check("dot", in -> in[0].matmul(in[1]), leaf(5, 4), leaf(6, 4));
        GradCheck.check("vec@mat", in -> in[0].matmul(in[1]), leaf(7, 4), leaf(8, 4, 3));
        GradCheck.check("mat@vec", in -> in[0].matmul(in[1]), leaf(9, 3, 4), leaf(10, 4));
    }

    @Test
    void gradientOfBatchedTransposedProduct() {
        GradCheck.check("bmm", in -> in[0].matmul(in[1], true, false), leaf(11, 2, 4, 3), leaf(12, 2, 4, 2));
    }

    @Test
    void gradientSumsOverBroadcastBatchDims() {
        GradCheck.check("broadcast matmul", in -> in[0].matmul(in[1]), leaf(13, 2, 1, 3, 4), leaf(14, 5, 4, 2));
    }
}

package dev.nabla.runtime.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 sums accumulated in double on the {@code jdk.incubator.vector} API: a vector of floats widened to two
 * vectors of doubles and added lane-wise, so the sum is as exact as the scalar double loop (only the order of the
 * additions differs), at memory speed. Like {@link CpuGemmVectorF}, only loaded when {@link CpuGemm#VECTOR} is
 * set. Only the preferred species are used: code that mixes float vector shapes in one JVM (say 256- and 512-bit)
 * leaves C2 unable to intrinsify some of the vector calls, at random, and those then box every vector.
 */
final class CpuReduceVector {
    private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    /** Floats per vector; each widens to two double vectors. */
    private static final int L = SF.length();
    /** Whether a float vector widens to exactly two double vectors (every x86 shape does). */
    static final boolean USABLE = SD.length() * 2 == L;

    private CpuReduceVector() {}

    /**
     * The sums over rows [r0, r1) of each channel c in [c0, c1) of a float32 [outer, mid, inner] array, into
     * {@code part[c * blocks + b]}: rows in memory order, each row's channels one after the other. Per channel
     * two accumulators of double lanes take the low and high halves of the row's vector steps, a double the
     * row's tail; at the end the lanes are added in order (low and high pairwise) and the tail last.
     */
    static void sumBlock(float[] x, int r0, int r1, int c0, int c1, int mid, int inner, double[] part, int blocks, int b) {
        int n = c1 - c0, h = L / 2, body = inner - inner % L, stride = L + 1;
        double[] acc = new double[n * stride];
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                int a = (c - c0) * stride, row = (r * mid + c) * inner, i = row, end = row + body;
                DoubleVector a0 = DoubleVector.fromArray(SD, acc, a), a1 = DoubleVector.fromArray(SD, acc, a + h);
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromArray(SF, x, i);
                    a0 = a0.add((DoubleVector) v.convertShape(VectorOperators.F2D, SD, 0));
                    a1 = a1.add((DoubleVector) v.convertShape(VectorOperators.F2D, SD, 1));
                }
                a0.intoArray(acc, a);
                a1.intoArray(acc, a + h);
                double tail = acc[a + L];
                for (; i < row + inner; i++) tail += x[i];
                acc[a + L] = tail;
            }
        }
        for (int c = c0; c < c1; c++) {
            int a = (c - c0) * stride;
            double s = 0;
            for (int l = 0; l < h; l++) s += acc[a + l] + acc[a + h + l];
            part[c * blocks + b] = s + acc[a + L];
        }
    }

    /**
     * The sum of x[from, from + n) in double: two accumulators of double lanes take the low and high halves of each
     * vector step, their lanes added in order (low and high pairwise, through lanes, at least L / 2 long), then
     * the tail element by element.
     */
    static double sumRow(float[] x, int from, int n, double[] lanes) {
        int h = L / 2, i = from, end = from + n - n % L;
        DoubleVector a0 = DoubleVector.zero(SD), a1 = a0;
        for (; i < end; i += L) {
            FloatVector v = FloatVector.fromArray(SF, x, i);
            a0 = a0.add((DoubleVector) v.convertShape(VectorOperators.F2D, SD, 0));
            a1 = a1.add((DoubleVector) v.convertShape(VectorOperators.F2D, SD, 1));
        }
        a0.add(a1).intoArray(lanes, 0);
        double s = 0;
        for (int l = 0; l < h; l++) s += lanes[l];
        for (; i < from + n; i++) s += x[i];
        return s;
    }

    /**
     * acc[j - j0] += the sum over rows [0, rows) of x[r * inner + j], for j in [j0, j1): the column sums of a
     * float32 [rows, inner] array (a linear layer's bias gradient). Strips of four float vectors of columns keep
     * their eight double accumulators in registers down all the rows, so each column is still summed in row
     * order, in double: bit-identical to the scalar loop {@code acc[j] += x[r * inner + j]}.
     */
    static void sumColumns(float[] x, int rows, int inner, int j0, int j1, double[] acc) {
        int h = L / 2, j = j0;
        for (; j + 4 * L <= j1; j += 4 * L) {
            int a = j - j0;
            DoubleVector s0 = DoubleVector.fromArray(SD, acc, a), s1 = DoubleVector.fromArray(SD, acc, a + h);
            DoubleVector s2 = DoubleVector.fromArray(SD, acc, a + 2 * h), s3 = DoubleVector.fromArray(SD, acc, a + 3 * h);
            DoubleVector s4 = DoubleVector.fromArray(SD, acc, a + 4 * h), s5 = DoubleVector.fromArray(SD, acc, a + 5 * h);
            DoubleVector s6 = DoubleVector.fromArray(SD, acc, a + 6 * h), s7 = DoubleVector.fromArray(SD, acc, a + 7 * h);
            for (int r = 0, i = j; r < rows; r++, i += inner) {
                FloatVector v0 = FloatVector.fromArray(SF, x, i), v1 = FloatVector.fromArray(SF, x, i + L);
                FloatVector v2 = FloatVector.fromArray(SF, x, i + 2 * L), v3 = FloatVector.fromArray(SF, x, i + 3 * L);
                s0 = s0.add((DoubleVector) v0.convertShape(VectorOperators.F2D, SD, 0));
                s1 = s1.add((DoubleVector) v0.convertShape(VectorOperators.F2D, SD, 1));
                s2 = s2.add((DoubleVector) v1.convertShape(VectorOperators.F2D, SD, 0));
                s3 = s3.add((DoubleVector) v1.convertShape(VectorOperators.F2D, SD, 1));
                s4 = s4.add((DoubleVector) v2.convertShape(VectorOperators.F2D, SD, 0));
                s5 = s5.add((DoubleVector) v2.convertShape(VectorOperators.F2D, SD, 1));
                s6 = s6.add((DoubleVector) v3.convertShape(VectorOperators.F2D, SD, 0));
                s7 = s7.add((DoubleVector) v3.convertShape(VectorOperators.F2D, SD, 1));
            }
            s0.intoArray(acc, a);
            s1.intoArray(acc, a + h);
            s2.intoArray(acc, a + 2 * h);
            s3.intoArray(acc, a + 3 * h);
            s4.intoArray(acc, a + 4 * h);
            s5.intoArray(acc, a + 5 * h);
            s6.intoArray(acc, a + 6 * h);
            s7.intoArray(acc, a + 7 * h);
        }
        for (; j + L <= j1; j += L) {
            int a = j - j0;
            DoubleVector s0 = DoubleVector.fromArray(SD, acc, a), s1 = DoubleVector.fromArray(SD, acc, a + h);
            for (int r = 0, i = j; r < rows; r++, i += inner) {
                FloatVector v = FloatVector.fromArray(SF, x, i);
                s0 = s0.add((DoubleVector) v.convertShape(VectorOperators.F2D, SD, 0));
                s1 = s1.add((DoubleVector) v.convertShape(VectorOperators.F2D, SD, 1));
            }
            s0.intoArray(acc, a);
            s1.intoArray(acc, a + h);
        }
        for (; j < j1; j++) {
            double t = acc[j - j0];
            for (int r = 0, i = j; r < rows; r++, i += inner) t += x[i];
            acc[j - j0] = t;
        }
    }
}

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
}

package dev.nabla.runtime.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 sums accumulated in double on the {@code jdk.incubator.vector} API: eight floats at a time widened to
 * doubles and added lane-wise, so the sum is as exact as the scalar double loop (only the order of the additions
 * differs), at memory speed. Like {@link CpuGemmVectorF}, only loaded when {@link CpuGemm#VECTOR} is set.
 */
final class CpuReduceVector {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;

    private CpuReduceVector() {}

    /**
     * The sums over rows [r0, r1) of each channel c in [c0, c1) of a float32 [outer, mid, inner] array, into
     * {@code part[c * blocks + b]}: rows in memory order, each row's channels one after the other. Per channel
     * two accumulators of eight double lanes take the row's 16-element steps, a double the row's tail; at the
     * end the lanes are added in order and the tail last.
     */
    static void sumBlock(float[] x, int r0, int r1, int c0, int c1, int mid, int inner, double[] part, int blocks, int b) {
        int n = c1 - c0, body = inner & ~15, stride = 17;
        double[] acc = new double[n * stride];
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                int a = (c - c0) * stride, row = (r * mid + c) * inner, i = row, end = row + body;
                DoubleVector a0 = DoubleVector.fromArray(D8, acc, a), a1 = DoubleVector.fromArray(D8, acc, a + 8);
                for (; i < end; i += 16) {
                    a0 = a0.add((DoubleVector) FloatVector.fromArray(F8, x, i).convertShape(VectorOperators.F2D, D8, 0));
                    a1 = a1.add((DoubleVector) FloatVector.fromArray(F8, x, i + 8).convertShape(VectorOperators.F2D, D8, 0));
                }
                a0.intoArray(acc, a);
                a1.intoArray(acc, a + 8);
                double tail = acc[a + 16];
                for (; i < row + inner; i++) tail += x[i];
                acc[a + 16] = tail;
            }
        }
        for (int c = c0; c < c1; c++) {
            int a = (c - c0) * stride;
            double s = 0;
            for (int l = 0; l < 8; l++) s += acc[a + l] + acc[a + 8 + l];
            part[c * blocks + b] = s + acc[a + 16];
        }
    }
}

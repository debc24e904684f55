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
     * The double sum of {@code x[base + r * stride + i]} over rows r in [0, rows) and i in [0, len): two
     * accumulators of eight lanes over the rows' 16-element steps, their lanes added in order, then the rows'
     * tails in row order.
     */
    static double sumRows(float[] x, int base, int stride, int rows, int len) {
        DoubleVector a0 = DoubleVector.zero(D8), a1 = a0;
        int body = len & ~15;
        double tail = 0;
        for (int r = 0, row = base; r < rows; r++, row += stride) {
            int i = row, end = row + body;
            for (; i < end; i += 16) {
                a0 = a0.add((DoubleVector) FloatVector.fromArray(F8, x, i).convertShape(VectorOperators.F2D, D8, 0));
                a1 = a1.add((DoubleVector) FloatVector.fromArray(F8, x, i + 8).convertShape(VectorOperators.F2D, D8, 0));
            }
            for (; i < row + len; i++) tail += x[i];
        }
        double[] lanes = new double[8];
        a0.add(a1).intoArray(lanes, 0);
        double s = 0;
        for (double v : lanes) s += v;
        return s + tail;
    }
}

package dev.nabla.runtime.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The streaming loops of conv2d's col2im and output scatter on the {@code jdk.incubator.vector} API: C2 does
 * not vectorise them on its own (source and destination are arrays of the same type, which might alias).
 * Like {@link CpuGemmVectorF}, only loaded when {@link CpuGemm#VECTOR} is set, so only when the module is present.
 * Each lane does the same single addition as the scalar loop, so results are bit-identical to it.
 */
final class CpuConvVector {
    private static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;

    private CpuConvVector() {}

    /** {@code dst[d + i] += src[s + i]} for i in [0, n). */
    static void add(float[] dst, int d, float[] src, int s, int n) {
        int i = 0;
        for (int end = SF.loopBound(n); i < end; i += SF.length()) {
            FloatVector.fromArray(SF, dst, d + i).add(FloatVector.fromArray(SF, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] += src[s + i];
    }

    static void add(double[] dst, int d, double[] src, int s, int n) {
        int i = 0;
        for (int end = SD.loopBound(n); i < end; i += SD.length()) {
            DoubleVector.fromArray(SD, dst, d + i).add(DoubleVector.fromArray(SD, src, s + i)).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] += src[s + i];
    }

    /** {@code dst[d + i] = src[s + i] + b} for i in [0, n). */
    static void addScalar(float[] dst, int d, float[] src, int s, int n, float b) {
        int i = 0;
        for (int end = SF.loopBound(n); i < end; i += SF.length()) {
            FloatVector.fromArray(SF, src, s + i).add(b).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] = src[s + i] + b;
    }

    static void addScalar(double[] dst, int d, double[] src, int s, int n, double b) {
        int i = 0;
        for (int end = SD.loopBound(n); i < end; i += SD.length()) {
            DoubleVector.fromArray(SD, src, s + i).add(b).intoArray(dst, d + i);
        }
        for (; i < n; i++) dst[d + i] = src[s + i] + b;
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.UnaryOp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The activations that {@link CpuUnaryVector} evaluates in float vectors (two vectors per step, the rest of a range
 * through the scalar twin), against the double staging path ({@link CpuUnary}), beyond what
 * {@link CpuUnaryFloatTest} covers: every short range at several offsets (so every split between the vector loop
 * and the scalar remainder), special values in every lane position, and gradients large enough that the
 * float arithmetic's own error, not the final rounding, decides the bound (2 ulp or 1e-7 absolute, as there).
 */
class CpuUnaryVectorFloatTest {
    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.intBitsToFloat(0xFFC00001), Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
            0.5f, -0.5f, 0.49999997f, -0.49999997f, 0.50000006f, -0.50000006f, 0.7517915f, -0.7517915f, 13.19f, -13.19f,
            13.2f, -13.2f, 13.25f, -13.25f, 16f, -16f, 17f, -17f, 1e20f, -1e20f, 1e-30f, -1e-30f};

    @BeforeAll static void vectorPathInUse() {
        Assumptions.assumeTrue(CpuGemm.VECTOR, "the Vector API path is off in this JVM");
    }

    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = {"GELU_ERF", "GELU_TANH", "TANH", "SIGMOID"})
    void everyShortRangeMatchesTheStagingPathAndWritesNothingOutside(UnaryOp op) {
        float[] x = new float[150];
        Random r = new Random(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 3);
        float[] dy = new float[x.length];
        for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextGaussian();
        double[] ref = new double[x.length], refGrad = new double[x.length];
        CpuUnary.forward(op, widen(x), ref, 0, x.length, 0, 0);
        CpuUnary.backward(op, widen(x), widen(dy), refGrad, 0, x.length, 0, 0);
        for (int from = 0; from < 4; from++) {
            for (int to = from; to <= from + 140; to++) {
                float[] y = filled(x.length), dx = filled(x.length);
                CpuUnaryVector.forward(op, x, y, from, to, 0, 0);
                CpuUnaryVector.backward(op, x, dy, dx, from, to, 0, 0);
                check(op + " forward [" + from + ", " + to + ")", x, y, ref, from, to);
                check(op + " backward [" + from + ", " + to + ")", x, dx, refGrad, from, to);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = {"GELU_ERF", "GELU_TANH", "TANH", "SIGMOID"})
    void specialValuesInEveryLaneGiveTheStagingPathsNaNsInfinitiesAndSignedZeros(UnaryOp op) {
        int n = 64;
        for (int shift = 0; shift < 32; shift += 5) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = SPECIAL[(i + shift) % SPECIAL.length];
            float[] dy = new float[n];
            Arrays.fill(dy, 1.5f);
            float[] y = new float[n], dx = new float[n];
            CpuUnaryVector.forward(op, x, y, 0, n, 0, 0);
            CpuUnaryVector.backward(op, x, dy, dx, 0, n, 0, 0);
            double[] ref = new double[n], refGrad = new double[n];
            CpuUnary.forward(op, widen(x), ref, 0, n, 0, 0);
            CpuUnary.backward(op, widen(x), widen(dy), refGrad, 0, n, 0, 0);
            check(op + " forward", x, y, ref, 0, n);
            check(op + " backward", x, dx, refGrad, 0, n);
            for (int i = 0; i < n; i++) {
                if (x[i] == 0f) {
                    assertEquals(Float.floatToRawIntBits((float) ref[i]), Float.floatToRawIntBits(y[i]), op + "(" + x[i] + ")'s bits");
                }
            }
        }
    }

    /**
     * Where the result nearly cancels (the GELU derivative crosses 0 at x = -0.75) or is small against dy, the
     * float evaluation's own error is what the bound measures: dense x, |dy| up to 3.
     */
    @ParameterizedTest
    @EnumSource(value = UnaryOp.class, names = {"GELU_ERF", "GELU_TANH", "TANH", "SIGMOID"})
    void backwardStaysWithinTheBoundForLargeGradients(UnaryOp op) {
        int n = 1 << 15;
        float[] x = new float[n], dy = new float[n];
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            x[i] = -8f + 16f * i / n;
            dy[i] = i % 3 == 0 ? (i % 2 == 0 ? 3f : -2.75f) : (float) (r.nextDouble() * 6 - 3);
        }
        float[] dx = new float[n];
        CpuUnaryVector.backward(op, x, dy, dx, 0, n, 0, 0);
        double[] ref = new double[n];
        CpuUnary.backward(op, widen(x), widen(dy), ref, 0, n, 0, 0);
        check(op + " backward", x, dx, ref, 0, n);
    }

    /**
     * The relu gradient is exact: the vector select gives the scalar twin's bits (dy where x > 0, +0.0 for x <= 0,
     * -0.0 and NaN) on special values and dy's own NaN payloads and signed zeros, over every short range.
     */
    @org.junit.jupiter.api.Test
    void reluBackwardGivesTheScalarTwinsBitsOnEveryRange() {
        int n = 150;
        float[] x = new float[n], dy = new float[n];
        Random r = new Random(7);
        for (int i = 0; i < n; i++) {
            x[i] = i % 3 == 0 ? SPECIAL[i % SPECIAL.length] : (float) r.nextGaussian();
            dy[i] = i % 7 == 0 ? SPECIAL[(i / 7) % SPECIAL.length] : (float) r.nextGaussian();
        }
        for (int from = 0; from < 4; from++) {
            for (int to = from; to <= from + 140; to++) {
                float[] want = filled(n), got = filled(n);
                CpuUnaryF.backward(UnaryOp.RELU, x, dy, want, from, to, 0, 0);
                CpuUnaryVector.backward(UnaryOp.RELU, x, dy, got, from, to, 0, 0);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                            "relu backward [" + from + ", " + to + ") at " + i + ", x = " + x[i] + ", dy = " + dy[i]);
                }
            }
        }
    }

    private static float[] filled(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 7f);
        return a;
    }

    private static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    /** Within 2 ulp or 1e-7 of the reference, NaN and infinities exactly, 7 (the fill) outside [from, to). */
    private static void check(String what, float[] x, float[] got, double[] ref, int from, int to) {
        for (int i = 0; i < got.length; i++) {
            if (i < from || i >= to) {
                if (got[i] != 7f) fail(what + ": wrote element " + i + " outside the range");
                continue;
            }
            float rf = (float) ref[i];
            String at = what + " at x = " + x[i] + ": expected " + rf + ", got " + got[i];
            if (Float.isNaN(rf) || Float.isInfinite(rf)) {
                assertTrue(Float.isNaN(rf) ? Float.isNaN(got[i]) : got[i] == rf, at);
            } else {
                assertTrue(!Float.isNaN(got[i]) && Math.abs(got[i] - ref[i]) <= Math.max(2 * Math.ulp(rf), 1e-7), at);
            }
        }
    }
}

package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestTensors;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FilterNormalizedDirectionsTest {
    private final Tensor weight = TestTensors.randomDouble(1, 4, 3);   // 4 filters (rows) of 3
    private final Tensor conv = TestTensors.randomDouble(2, 2, 3, 2, 2); // 2 filters of 3x2x2
    private final Tensor bias = TestTensors.randomDouble(3, 4);
    private final List<Tensor> params = List.of(weight, conv, bias);

    private static double norm(double[] v, int from, int len) {
        double s = 0;
        for (int i = from; i < from + len; i++) s += v[i] * v[i];
        return Math.sqrt(s);
    }

    @Test
    void eachFilterHasTheNormOfTheMatchingWeightFilter() {
        double[] d = FilterNormalizedDirections.random(params, 7L);
        double[] w = ParameterVector.flatten(params);
        for (int r = 0; r < 4; r++) assertEquals(norm(w, 3 * r, 3), norm(d, 3 * r, 3), 1e-12, "linear row " + r);
        for (int f = 0; f < 2; f++) assertEquals(norm(w, 12 + 12 * f, 12), norm(d, 12 + 12 * f, 12), 1e-12, "conv filter " + f);
    }

    @Test
    void biasesAreZeroedByDefault() {
        double[] d = FilterNormalizedDirections.random(params, 7L);
        assertArrayEquals(new double[4], java.util.Arrays.copyOfRange(d, 36, 40));
    }

    @Test
    void biasesCopyTheWeightsWhenNotIgnored() {
        double[] d = FilterNormalizedDirections.random(params, 7L, false);
        assertArrayEquals(bias.toDoubleArray(), java.util.Arrays.copyOfRange(d, 36, 40));
    }

    @Test
    void directionsAreSeeded() {
        assertArrayEquals(FilterNormalizedDirections.random(params, 3L), FilterNormalizedDirections.random(params, 3L));
        assertFalse(java.util.Arrays.equals(FilterNormalizedDirections.random(params, 3L),
                FilterNormalizedDirections.random(params, 4L)));
    }

    @Test
    void normalizationKeepsEachFilterDirection() {
        double[] raw = new double[40];
        for (int i = 0; i < 40; i++) raw[i] = i + 1;
        double[] d = FilterNormalizedDirections.normalize(raw, params, true);
        double scale = d[0] / raw[0];
        for (int i = 0; i < 3; i++) assertEquals(scale * raw[i], d[i], 1e-12, "row 0 is a multiple of the raw row");
    }
}

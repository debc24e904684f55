package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossLandscapeTest {
    private static final double[][] A = KnownFunctions.spd(41, 0.5, 1, 3);
    private static final double[] FROM = {1, -2, 0.5};
    private static final double[] TO = {-0.5, 0.25, 2};

    @TempDir Path dir;

    @Test
    void interpolationEndpointsEqualTheTwoLosses() {
        Tensor x = KnownFunctions.param(0, 0, 0);
        List<Tensor> from = List.of(KnownFunctions.param(FROM)), to = List.of(KnownFunctions.param(TO));
        LossLandscape.Curve c = LossLandscape.interpolate(List.of(x), KnownFunctions.quadratic(A, x), from, to, 0, 1, 11);
        assertEquals(KnownFunctions.quadraticValue(A, FROM), c.losses()[0], 1e-14);
        assertEquals(KnownFunctions.quadraticValue(A, TO), c.losses()[10], 1e-14);
        assertEquals(0.5, c.alphas()[5], 1e-15);
    }

    @Test
    void interpolationBeyondTheSegmentFollowsTheLine() {
        Tensor x = KnownFunctions.param(0, 0, 0);
        LossLandscape.Curve c = LossLandscape.interpolate(List.of(x), KnownFunctions.quadratic(A, x), FROM, TO, -1, 2, 7);
        for (int i = 0; i < 7; i++) {
            double al = c.alphas()[i];
            double[] p = new double[3];
            for (int j = 0; j < 3; j++) p[j] = (1 - al) * FROM[j] + al * TO[j];
            assertEquals(KnownFunctions.quadraticValue(A, p), c.losses()[i], 1e-12, "alpha " + al);
        }
    }

    @Test
    void parametersAreRestoredAfterASlice() {
        Tensor x = KnownFunctions.param(0.3, 0.2, 0.1);
        LossLandscape.randomSlice(List.of(x), KnownFunctions.quadratic(A, x), 5L, 1.0, 5);
        assertArrayEquals(new double[]{0.3, 0.2, 0.1}, x.toDoubleArray());
    }

    @Test
    void sliceValuesMatchTheClosedForm() {
        double[] theta = {0.3, -0.2, 0.6};
        Tensor x = KnownFunctions.param(theta);
        double[] d1 = {1, 0, 0.5}, d2 = {0, -1, 0.25};
        LossLandscape.Surface s = LossLandscape.slice(List.of(x), KnownFunctions.quadratic(A, x), d1, d2, -1, 1, 5, -2, 2, 3);
        assertEquals(3, s.losses().length);
        assertEquals(5, s.losses()[0].length);
        for (int iy = 0; iy < 3; iy++) {
            for (int ix = 0; ix < 5; ix++) {
                double[] p = new double[3];
                for (int j = 0; j < 3; j++) p[j] = theta[j] + s.xs()[ix] * d1[j] + s.ys()[iy] * d2[j];
                assertEquals(KnownFunctions.quadraticValue(A, p), s.losses()[iy][ix], 1e-12, "cell " + ix + "," + iy);
            }
        }
        assertEquals(KnownFunctions.quadraticValue(A, theta), s.losses()[1][2], 1e-14, "centre is the current loss");
    }

    @Test
    void oneDimensionalPlotIsWrittenAsPng() throws IOException {
        Tensor x = KnownFunctions.param(0, 0, 0);
        LossLandscape.Curve c = LossLandscape.interpolate(List.of(x), KnownFunctions.quadratic(A, x), FROM, TO, -0.5, 1.5, 21);
        Path png = LandscapePlots.plotCurve(c, dir.resolve("sub/curve.png"), "interpolation");
        assertPng(png);
    }

    @Test
    void twoDimensionalHeatMapIsWrittenAsPng() throws IOException {
        Tensor x = KnownFunctions.param(0.1, 0.2, 0.3);
        LossLandscape.Surface s = LossLandscape.slice(List.of(x), KnownFunctions.quadratic(A, x),
                new double[]{1, 0, 0}, new double[]{0, 1, 0}, -1, 1, 9, -1, 1, 7);
        Path png = LandscapePlots.plotSurface(s, dir.resolve("surface.png"), "slice");
        assertPng(png);
    }

    @Test
    void nonFiniteLossIsNotPlotted() {
        LossLandscape.Curve c = new LossLandscape.Curve(new double[]{0, 1}, new double[]{1, Double.NaN});
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> LandscapePlots.plotCurve(c, dir.resolve("nan.png"), "nan"));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void fewerThanTwoPointsAreRejected() {
        Tensor x = KnownFunctions.param(0, 0, 0);
        Supplier<Tensor> f = KnownFunctions.quadratic(A, x);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> LossLandscape.interpolate(List.of(x), f, FROM, TO, 0, 1, 1));
        assertTrue(e.getMessage().contains("LossLandscape.interpolate") && e.getMessage().contains("got 1"), e.getMessage());
    }

    private static void assertPng(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000, "PNG of " + bytes.length + " bytes");
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4));
    }
}

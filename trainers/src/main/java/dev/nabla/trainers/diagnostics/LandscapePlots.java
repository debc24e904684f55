package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.InvalidArgumentException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PNG renderings of {@link LossLandscape} results with XChart: a line chart for a {@link LossLandscape.Curve},
 * a heat map for a {@link LossLandscape.Surface}. Works headless.
 */
public final class LandscapePlots {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 600;

    private LandscapePlots() {}

    /** Writes the curve as a line chart (x: α, y: loss) to {@code file} (parent folders created); returns the file. */
    public static Path plotCurve(LossLandscape.Curve curve, Path file, String title) {
        checkFinite(curve.losses(), "LandscapePlots.plotCurve");
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("alpha").yAxisTitle("loss").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("loss", curve.alphas(), curve.losses()).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        return write(chart, file);
    }

    /** Writes the surface as a heat map (x: first direction, y: second) to {@code file}; returns the file. */
    public static Path plotSurface(LossLandscape.Surface surface, Path file, String title) {
        double[][] z = surface.losses();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            checkFinite(row, "LandscapePlots.plotSurface");
            for (double v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("direction 1").yAxisTitle("direction 2").build();
        chart.getStyler().setShowValue(false);
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setRangeColors(new Color[]{new Color(0x2c7bb6), new Color(0xabd9e9), new Color(0xffffbf),
                new Color(0xfdae61), new Color(0xd7191c)});
        chart.getStyler().setMin(min);
        chart.getStyler().setMax(max > min ? max : min + 1);
        List<String> xs = labels(surface.xs());
        List<String> ys = labels(surface.ys());
        List<Number[]> cells = new ArrayList<>();
        for (int iy = 0; iy < z.length; iy++) {
            for (int ix = 0; ix < z[iy].length; ix++) cells.add(new Number[]{ix, iy, z[iy][ix]});
        }
        chart.addSeries("loss", xs, ys, cells);
        return write(chart, file);
    }

    /** Tick labels, thinned to about a dozen so that dense grids stay legible (blank labels keep the cells). */
    private static List<String> labels(double[] values) {
        int every = Math.max(1, (values.length + 10) / 11);
        List<String> out = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            out.add(i % every == 0 || i == values.length - 1 ? String.format(Locale.ROOT, "%.2f", values[i]) : " ".repeat(i));
        }
        return out;
    }

    private static void checkFinite(double[] values, String op) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new InvalidArgumentException(op + ": a loss value is " + v + "; cannot plot non-finite losses");
            }
        }
    }

    private static Path write(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try (OutputStream out = Files.newOutputStream(file)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("LandscapePlots: cannot write " + file, e);
        }
    }
}

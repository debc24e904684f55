package dev.nabla.samples;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Line charts (XChart) for the samples: a panel per chart, saved side by side as one PNG. */
final class LinePlots {
    private LinePlots() {}

    /** An empty panel; {@code logY} for loss curves that span decades. */
    static XYChart panel(String title, String xTitle, String yTitle, boolean logY) {
        XYChart c = new XYChartBuilder().width(560).height(400).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setYAxisLogarithmic(logY);
        c.getStyler().setMarkerSize(3);
        c.getStyler().setXAxisDecimalPattern("#0.##");
        c.getStyler().setXAxisMaxLabelCount(8);
        return c;
    }

    static void line(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
    }

    static void points(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
    }

    /** Positive copies of {@code y} (a log axis refuses zeros). */
    static double[] positive(double[] y) {
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) out[i] = Math.max(out[i], 1e-12);
        return out;
    }

    /** 0, 1, ..., n-1. */
    static double[] steps(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        return x;
    }

    /** Writes the panels in one row to {@code file} (parent folders created); returns it. */
    static Path save(Path file, List<XYChart> panels) {
        System.setProperty("java.awt.headless", "true");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            BitmapEncoder.saveBitmap(List.copyOf(panels), 1, panels.size(), file.toString(), BitmapEncoder.BitmapFormat.PNG);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}

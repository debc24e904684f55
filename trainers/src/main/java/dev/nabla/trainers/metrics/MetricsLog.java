package dev.nabla.trainers.metrics;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.trainers.Trainer;
import dev.nabla.trainers.callbacks.Callback;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes each epoch's metrics to {@code metrics.csv} and redraws {@code metrics.png} (XChart): one panel per
 * metric, the training curve and its {@code val_} twin together. Both files are rewritten whole after every epoch
 * (through a temporary file and a rename), so they are always complete.
 */
public final class MetricsLog implements Callback {
    private final Path dir;
    private final List<Map<String, Double>> rows = new ArrayList<>();

    public MetricsLog(Path dir) {
        if (dir == null) throw new InvalidArgumentException("MetricsLog: directory must not be null");
        this.dir = dir;
    }

    public Path csvFile() { return dir.resolve("metrics.csv"); }

    public Path pngFile() { return dir.resolve("metrics.png"); }

    @Override public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> metrics) {
        rows.add(new LinkedHashMap<>(metrics));
        try {
            Files.createDirectories(dir);
            writeCsv();
            writePng();
        } catch (IOException e) {
            throw new UncheckedIOException("MetricsLog: cannot write to " + dir + ": " + e.getMessage(), e);
        }
    }

    private List<String> columns() {
        Set<String> cols = new LinkedHashSet<>();
        rows.forEach(r -> cols.addAll(r.keySet()));
        return new ArrayList<>(cols);
    }

    private void writeCsv() throws IOException {
        List<String> cols = columns();
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        for (Map<String, Double> r : rows) {
            for (int i = 0; i < cols.size(); i++) {
                if (i > 0) sb.append(',');
                Double v = r.get(cols.get(i));
                if (v != null) sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue()) : Double.toString(v));
            }
            sb.append('\n');
        }
        Path tmp = Files.createTempFile(dir, "metrics", ".csv.tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, csvFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writePng() throws IOException {
        List<String> panels = new ArrayList<>();
        for (String c : columns()) {
            if (c.equals("epoch") || c.equals("step") || c.startsWith("val_")) continue;
            panels.add(c);
        }
        for (String c : columns()) {
            if (c.startsWith("val_") && !panels.contains(c.substring(4))) panels.add(c);
        }
        if (panels.isEmpty()) return;
        List<XYChart> charts = new ArrayList<>();
        for (String p : panels) {
            XYChart chart = new XYChartBuilder().width(480).height(320).title(p).xAxisTitle("epoch").yAxisTitle(p).build();
            chart.getStyler().setMarkerSize(4);
            addSeries(chart, p, p);
            if (!p.startsWith("val_")) addSeries(chart, "val_" + p, "val_" + p);
            if (!chart.getSeriesMap().isEmpty()) charts.add(chart);
        }
        // XChart's grid needs rows x cols == charts: two columns only when the panels pair up.
        int cols = charts.size() % 2 == 0 ? 2 : 1;
        int rowsN = (charts.size() + cols - 1) / cols;
        Path tmp = Files.createTempFile(dir, "metrics", ".png.tmp");
        try (var out = Files.newOutputStream(tmp)) {
            BitmapEncoder.saveBitmap(charts, rowsN, cols, out, BitmapEncoder.BitmapFormat.PNG);
        }
        Files.move(tmp, pngFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void addSeries(XYChart chart, String column, String label) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            Double v = r.get(column);
            if (v == null || !Double.isFinite(v)) continue;
            xs.add(r.getOrDefault("epoch", (double) xs.size()));
            ys.add(v);
        }
        if (xs.isEmpty()) return;
        chart.addSeries(label, xs, ys).setMarker(SeriesMarkers.CIRCLE);
    }

    static String fmt(double v) { return String.format(Locale.ROOT, "%.6g", v); }
}

package dev.nabla.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The one table: row | Nabla | reference | ratio, with the machine and the commit. The ratio is always
 * "Nabla relative to the reference" in the direction of the goal: for GEMM, Nabla's GFLOP/s over the
 * reference's (goal at least 0.5); for times, Nabla's milliseconds over the reference's (goal at most 1.0). Where
 * the reference's results carry a {@code paired_ratio} (ci/bench/paired.py: the median ratio of slices measured
 * turn about), that is the ratio shown.
 */
final class Report {
    private Report() {}

    static String table(List<Result> results, JsonNode ref, String commit) {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine: ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; JDK ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        if (commit != null) sb.append("Commit: ").append(commit).append('\n');
        if (ref != null && ref.has("meta")) {
            sb.append("Reference: ");
            StringBuilder m = new StringBuilder();
            ref.get("meta").fields().forEachRemaining(e -> m.append(m.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue().asText()));
            sb.append(m).append('\n');
        }
        sb.append('\n');
        sb.append("| row | Nabla | reference | Nabla/reference | goal |\n");
        sb.append("| --- | ---: | ---: | ---: | --- |\n");
        JsonNode refRes = ref == null ? null : ref.get("results");
        int paired = 0;
        for (Result r : results) {
            JsonNode rr = refRes == null ? null : refRes.get(r.key());
            double rv = rr != null && rr.path("value").isNumber() ? rr.get("value").asDouble() : Double.NaN;
            double ratio = r.value() / rv;
            if (rr != null && rr.path("paired_ratio").isNumber()) {
                ratio = rr.get("paired_ratio").asDouble();
                paired++;
            }
            String goal = r.higherIsBetter() ? "≥ 0.50 (fraction of OpenBLAS GFLOP/s)" : "≤ 1.00 (time ratio)";
            boolean met = r.higherIsBetter() ? ratio >= 0.5 : ratio <= 1.0;
            sb.append("| ").append(BenchKeys.label(r.key()))
                    .append(" | ").append(fmt(r.value(), r.unit()))
                    .append(" | ").append(fmt(rv, r.unit()))
                    .append(" | ").append(Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.2f", ratio) + (met ? "" : " ✗"))
                    .append(" | ").append(goal).append(" |\n");
        }
        sb.append('\n');
        if (paired > 0) {
            sb.append("Nabla and reference: medians of each side's runs; Nabla/reference: the median of the ratios of paired"
                    + " slices (the two sides taking turns, a slice each, so that each ratio compares runs seconds apart).\n\n");
        }
        for (Result r : results) {
            if (Double.isNaN(r.value())) sb.append("- ").append(r.key()).append(": Nabla not measured: ").append(r.note()).append('\n');
        }
        return sb.toString();
    }

    private static String fmt(double v, String unit) {
        if (Double.isNaN(v)) return "n/a";
        return String.format(Locale.ROOT, "GFLOP/s".equals(unit) ? "%.1f" : (v >= 100 ? "%.0f" : "%.2f"), v);
    }

    static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
            }
        } catch (Exception ignored) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}

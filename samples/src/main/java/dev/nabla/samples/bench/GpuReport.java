package dev.nabla.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GPU benchmark's one table: row | Nabla | PyTorch | Nabla/PyTorch, each row with its unit, under the
 * device, the driver and CUDA versions, both sides' set-up and the commit; and the same as JSON. The ratio is
 * Nabla's value over PyTorch's: above 1 is better for throughputs (TFLOP/s, samples/s, tokens/s), below 1
 * for times (ms).
 */
final class GpuReport {
    private GpuReport() {}

    /** The header lines: what ran where. */
    static String header(Map<String, String> nablaMeta, JsonNode ref, String gpuInfo, String commit) {
        JsonNode rm = ref == null ? null : ref.get("meta");
        StringBuilder sb = new StringBuilder("GPU benchmark: Nabla vs PyTorch (eager), float32, TF32 off on both sides\n\n");
        String device;
        if (gpuInfo != null && !gpuInfo.isBlank()) device = gpuInfo;
        else if (rm != null && rm.hasNonNull("device_name") && !rm.get("device_name").asText().startsWith("cpu")) {
            device = rm.get("device_name").asText() + ", CUDA " + rm.path("cuda").asText("?") + " (from torch; no nvidia-smi)";
        } else device = nablaMeta.getOrDefault("device", "unknown");
        sb.append("- Device: ").append(device).append('\n');
        sb.append("- Nabla: ");
        appendPairs(sb, nablaMeta);
        sb.append('\n');
        sb.append("- PyTorch: ");
        if (rm == null) sb.append("no reference results");
        else appendPairs(sb, toMap(rm));
        sb.append('\n');
        sb.append("- Commit: ").append(commit == null ? "unknown" : commit).append('\n');
        return sb.toString();
    }

    static String table(List<Result> results, Map<String, String> nablaMeta, JsonNode ref, String gpuInfo, String commit) {
        StringBuilder sb = new StringBuilder(header(nablaMeta, ref, gpuInfo, commit)).append('\n');
        sb.append("| row | Nabla | PyTorch | Nabla/PyTorch |\n");
        sb.append("| --- | ---: | ---: | ---: |\n");
        JsonNode refRes = ref == null ? null : ref.get("results");
        for (Result r : results) {
            double rv = refValue(refRes, r.key());
            double ratio = r.value() / rv;
            sb.append("| ").append(GpuKeys.label(r.key(), r.unit()))
                    .append(" | ").append(fmt(r.value(), r.unit()))
                    .append(" | ").append(fmt(rv, r.unit()))
                    .append(" | ").append(Double.isNaN(ratio) || Double.isInfinite(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio))
                    .append(" |\n");
        }
        sb.append("\nNabla/PyTorch is Nabla's value over PyTorch's: above 1 is better for TFLOP/s, samples/s and tokens/s, "
                + "below 1 for ms.\n");
        // one line per side and reason, naming its rows: a backend that did not start is said once
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (Result r : results) {
            if (Double.isNaN(r.value())) missing.computeIfAbsent("Nabla not measured: " + r.note(), k -> new ArrayList<>()).add(r.key());
            String rk = GpuKeys.referenceKey(r.key());
            if (refRes != null && Double.isNaN(refValue(refRes, r.key())) && rk.equals(r.key())) { // a PTX row shares its GEMM row's reference
                String why = refRes.has(rk) ? refRes.get(rk).path("note").asText() : "no such row in the reference";
                missing.computeIfAbsent("PyTorch not measured: " + why, k -> new ArrayList<>()).add(r.key());
            }
        }
        if (!missing.isEmpty()) sb.append("\nMissing values:\n");
        missing.forEach((why, keys) -> sb.append("- ").append(String.join(", ", keys)).append(": ").append(why).append('\n'));
        return sb.toString();
    }

    /** The table as JSON: meta of both sides and one object per row with both values, the ratio and the notes. */
    static ObjectNode json(List<Result> results, Map<String, String> nablaMeta, JsonNode ref, String gpuInfo, String commit) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("device", gpuInfo);
        root.put("commit", commit);
        ObjectNode nm = root.putObject("nabla");
        nablaMeta.forEach(nm::put);
        root.set("pytorch", ref == null ? m.nullNode() : ref.path("meta"));
        ArrayNode rows = root.putArray("rows");
        JsonNode refRes = ref == null ? null : ref.get("results");
        for (Result r : results) {
            ObjectNode o = rows.addObject();
            double rv = refValue(refRes, r.key());
            o.put("key", r.key());
            o.put("label", GpuKeys.label(r.key(), r.unit()));
            o.put("unit", r.unit());
            putNumber(o, "nabla", r.value());
            putNumber(o, "pytorch", rv);
            putNumber(o, "ratio", r.value() / rv);
            o.put("nabla_note", r.note());
            String rk = GpuKeys.referenceKey(r.key());
            o.put("pytorch_note", refRes != null && refRes.has(rk) ? refRes.get(rk).path("note").asText() : "no reference row");
        }
        return root;
    }

    private static double refValue(JsonNode refRes, String key) {
        String rk = GpuKeys.referenceKey(key);
        if (refRes == null || !refRes.has(rk) || !refRes.get(rk).path("value").isNumber()) return Double.NaN;
        return refRes.get(rk).get("value").asDouble();
    }

    private static void putNumber(ObjectNode o, String field, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) o.putNull(field);
        else o.put(field, v);
    }

    private static Map<String, String> toMap(JsonNode meta) {
        Map<String, String> out = new LinkedHashMap<>();
        meta.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static void appendPairs(StringBuilder sb, Map<String, String> kv) {
        boolean first = true;
        for (Map.Entry<String, String> e : kv.entrySet()) {
            sb.append(first ? "" : "; ").append(e.getKey()).append(' ').append(e.getValue());
            first = false;
        }
    }

    static String fmt(double v, String unit) {
        if (Double.isNaN(v)) return "n/a";
        if (unit.endsWith("/s") && !unit.equals(GpuKeys.TFLOPS)) return String.format(Locale.ROOT, "%,.0f", v);
        return String.format(Locale.ROOT, v >= 100 ? "%.1f" : v >= 1 ? "%.2f" : "%.3g", v);
    }
}

package dev.nabla.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run reports: sample, backend, device, epochs, final losses and accuracies, training seconds
 * and throughput. Written as a JSON object by {@code --metrics-out FILE}.
 */
public final class RunSummary {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    public RunSummary(String sample, String backend, String device) {
        fields.put("sample", sample);
        fields.put("backend", backend);
        fields.put("device", device);
    }

    public RunSummary put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    public Object get(String key) { return fields.get(key); }

    public double getDouble(String key) {
        Object v = fields.get(key);
        if (!(v instanceof Number n)) throw new IllegalStateException("summary has no number '" + key + "': " + fields);
        return n.doubleValue();
    }

    public Map<String, Object> fields() { return fields; }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), fields);
    }

    @Override public String toString() { return fields.toString(); }
}

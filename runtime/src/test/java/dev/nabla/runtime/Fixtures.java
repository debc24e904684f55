package dev.nabla.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the reference fixtures written by {@code runtime/src/test/python/nabla_fixtures.py}: a text file of
 * named arrays, each a header line {@code name dtype d0,d1,...} ({@code -} for a scalar) followed by one
 * line of values. Tests read them from the class path; Python is needed only to regenerate them.
 */
public final class Fixtures {
    /** One array: its shape and its values as doubles. */
    public record Array(String dtype, int[] shape, double[] values) {
        public Shape shapeObj() { return Shape.of(shape); }

        /** A tensor of {@code dtype} on {@code device} holding these values. */
        public Tensor tensor(DType dtype, Device device) { return Tensor.of(values, Shape.of(shape), dtype, device); }

        public long[] longs() {
            long[] out = new long[values.length];
            for (int i = 0; i < out.length; i++) out[i] = (long) values[i];
            return out;
        }
    }

    private final Map<String, Array> arrays;
    private final String resource;

    private Fixtures(String resource, Map<String, Array> arrays) {
        this.resource = resource;
        this.arrays = arrays;
    }

    /** Loads {@code /fixtures/<path>} from the test class path. */
    public static Fixtures load(String path) {
        String res = "/fixtures/" + path;
        try (InputStream in = Fixtures.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("fixture " + res + " not found; run the generator in runtime/src/test/python");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, Array> map = new LinkedHashMap<>();
            String header;
            while ((header = r.readLine()) != null) {
                if (header.isBlank() || header.startsWith("#")) continue;
                String[] h = header.trim().split("\\s+");
                int[] shape = h[2].equals("-") ? new int[0] : java.util.Arrays.stream(h[2].split(",")).mapToInt(Integer::parseInt).toArray();
                String line = r.readLine();
                String[] parts = line == null || line.isBlank() ? new String[0] : line.trim().split("\\s+");
                double[] values = new double[parts.length];
                for (int i = 0; i < parts.length; i++) values[i] = Double.parseDouble(parts[i]);
                map.put(h[0], new Array(h[1], shape, values));
            }
            return new Fixtures(res, map);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fixture " + res, e);
        }
    }

    public Array get(String name) {
        Array a = arrays.get(name);
        if (a == null) throw new IllegalArgumentException("fixture " + resource + " has no array '" + name + "'; it has " + arrays.keySet());
        return a;
    }

    public boolean has(String name) { return arrays.containsKey(name); }

    /** Shortcut for a scalar parameter stored as a one-element array. */
    public double scalar(String name) { return get(name).values()[0]; }
}

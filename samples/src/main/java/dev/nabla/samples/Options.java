package dev.nabla.samples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line options: {@code --name value} pairs and {@code --flag} switches. The common options every
 * sample understands are documented in {@link #COMMON_HELP}.
 */
public final class Options {
    public static final String COMMON_HELP = """
            Common options:
              --backend cpu|cuda     force a backend (default: CUDA when a GPU is found, else CPU)
              --epochs N             training epochs
              --batch-size N         mini-batch size
              --lr X                 learning rate
              --seed N               random seed (default 0)
              --data DIR             data folder
              --limit-train N        use only the first N training examples
              --checkpoint-dir DIR   write checkpoints there
              --resume               continue from the latest checkpoint in --checkpoint-dir
              --metrics-out FILE     write a JSON summary of the run
              --out DIR              where plots and images go (default: build/nabla-samples)
              --help                 this text""";

    private final Map<String, String> values = new LinkedHashMap<>();

    private Options() {}

    public static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "'; options start with --");
            String key = a.substring(2);
            String value = "true";
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            }
            o.values.put(key, value);
        }
        return o;
    }

    public boolean has(String key) { return values.containsKey(key); }

    public boolean flag(String key) { return Boolean.parseBoolean(values.getOrDefault(key, "false")); }

    public String string(String key, String def) { return values.getOrDefault(key, def); }

    public int integer(String key, int def) {
        String v = values.get(key);
        if (v == null) return def;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects an integer, got '" + v + "'");
        }
    }

    public long longValue(String key, long def) {
        String v = values.get(key);
        if (v == null) return def;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects an integer, got '" + v + "'");
        }
    }

    public double real(String key, double def) {
        String v = values.get(key);
        if (v == null) return def;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " expects a number, got '" + v + "'");
        }
    }

    public Path path(String key, Path def) {
        String v = values.get(key);
        return v == null ? def : Path.of(v);
    }

    public int epochs(int def) { return integer("epochs", def); }

    public int batchSize(int def) { return integer("batch-size", def); }

    public double lr(double def) { return real("lr", def); }

    public long seed() { return longValue("seed", 0); }

    public int limitTrain() { return integer("limit-train", Integer.MAX_VALUE); }

    public Path outDir() { return path("out", Path.of("build", "nabla-samples")); }
}

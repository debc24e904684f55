package dev.nabla.samples;

import dev.nabla.runtime.Backends;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar nabla-samples.jar <sample> [options]}; {@code list} shows the samples,
 * {@code <sample> --help} their options.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    /** Every sample, by name, in the order of the course. */
    public static Map<String, Sample> samples() {
        Map<String, Sample> m = new LinkedHashMap<>();
        for (Sample s : SampleCatalog.all()) m.put(s.name(), s);
        return m;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            LOG.error("the sample failed", e);
            code = 1;
        }
        System.exit(code);
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args) throws Exception {
        Map<String, Sample> samples = samples();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            System.out.println(usage(samples));
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("list")) {
            samples.values().forEach(s -> System.out.printf("  %-20s %s%n", s.name(), s.description()));
            return 0;
        }
        Sample s = samples.get(args[0]);
        if (s == null) throw new IllegalArgumentException("unknown sample '" + args[0] + "'; run 'list' to see them");
        Options o = Options.parse(Arrays.copyOfRange(args, 1, args.length));
        if (o.flag("help")) {
            System.out.println(s.name() + ": " + s.description() + "\n" + s.help() + "\n" + Options.COMMON_HELP);
            return 0;
        }
        if (o.has("backend")) System.setProperty("nabla.backend", o.string("backend", "cpu"));
        LOG.info("backend: {}", Backends.defaultBackend().name());
        RunSummary summary = s.run(o);
        if (o.has("metrics-out")) summary.write(o.path("metrics-out", null));
        LOG.info("summary: {}", summary);
        return 0;
    }

    static String usage(Map<String, Sample> samples) {
        StringBuilder sb = new StringBuilder("usage: java -jar nabla-samples.jar <sample> [options]\n       java -jar nabla-samples.jar list\n\nsamples:\n");
        samples.values().forEach(s -> sb.append(String.format("  %-20s %s%n", s.name(), s.description())));
        return sb.append('\n').append(Options.COMMON_HELP).toString();
    }

    /** For tests. */
    static List<String> names() { return List.copyOf(samples().keySet()); }
}

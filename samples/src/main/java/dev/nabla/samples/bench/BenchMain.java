package dev.nabla.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nabla.runtime.cpu.CpuThreads;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CPU benchmark: GEMM, conv2d, MLP and CNN epochs, a Transformer step, on Nabla's CPU backend.
 *
 * <pre>
 * java -cp nabla-samples.jar dev.nabla.samples.bench.BenchMain [--rows gemm,conv,mlp,cnn,transformer]
 *      [--threads 1,2] [--train-threads 2] [--json out.json] [--reference ref.json] [--markdown table.md]
 * </pre>
 *
 * <p>Thread counts: the CPU backend sizes its pool once, from {@code -Dnabla.cpu.threads}, when
 * {@code CpuThreads} loads, so one JVM cannot measure two thread counts. This command therefore runs
 * each thread count in a child JVM (same java, class path and JVM options, plus
 * {@code -Dnabla.cpu.threads=t}) and gathers their results; every count and every row gets a fresh JIT and heap.
 * GEMM runs at every count of {@code --threads}; the other rows at {@code --train-threads} (default: the
 * largest of {@code --threads}). With {@code --reference}, the reference's JSON
 * ({@code ci/bench/reference_cpu.py}) is joined row by row and the table shows the ratio.
 *
 * <p>{@code --child --serve} (with {@code --json}): this JVM's rows only, timed in slices at the pace of a driver on
 * stdin ({@link Pace}; {@code ci/bench/paired.py}, which {@code ci/bench-cpu.sh} runs), which alternates them with
 * the reference's.
 *
 * <p>Op rows (conv, the Transformer step) measure the steady state, as a training run of hundreds of steps
 * sees it: both sides warm up 300 iterations by default ({@code --warmup}) and take the median of 15
 * ({@code --repeats}), because C2 compiles the Vector-API kernels only after ~10-30 calls and runs them boxed,
 * several times slower, until then (conv2, timed call by call on an AVX-512 Xeon: 36-104 ms for the first 18
 * after the first, 19-23 ms from the 20th on; with 20 warm-up calls and 7 repeats its row read 15-34 ms from
 * one run to the next), and conv1 keeps speeding up long after that (2-vCPU Zen 5, means of 20 calls: 3.9-6.2 ms
 * for calls 21-40, 2.4-3.1 for 41-60, 1.3-1.6 from about the 250th; 40 warm-up calls read 2.3-3.6 ms). The
 * Transformer step has its own counts ({@code --transformer-warmup 60}, {@code --transformer-repeats 21}): its
 * ~300 ops per step reach their compiled steady state only after ~50 steps (measured step by step: 110-170 ms
 * for the first 50, then 80-90 ms), and a step is short enough for a median of 21.
 */
public final class BenchMain {
    static final List<String> ALL_ROWS = List.of("gemm", "conv", "mlp", "cnn", "transformer");

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = parse(args);
        if (o.containsKey("help")) {
            System.out.println(usage());
            return;
        }
        Set<String> rows = new LinkedHashSet<>(Arrays.asList(o.getOrDefault("rows", String.join(",", ALL_ROWS)).split(",")));
        for (String r : rows) {
            if (!ALL_ROWS.contains(r)) throw new IllegalArgumentException("bench: unknown row '" + r + "', expected some of " + ALL_ROWS);
        }
        int[] threads = ints(o.getOrDefault("threads", "1," + Math.max(2, Runtime.getRuntime().availableProcessors())));
        int[] trainThreads = o.containsKey("train-threads") ? ints(o.get("train-threads"))
                : new int[]{Arrays.stream(threads).max().orElse(1)};
        if (o.containsKey("child")) {
            if (o.containsKey("serve")) Pace.enable();
            List<Result> results = runHere(rows, o, threads, trainThreads);
            writeJson(results, Path.of(o.get("json")));
            Pace.end();
            System.exit(0);
        }
        if (o.containsKey("report")) {
            // no runs: the table of results measured earlier (ci/bench-cpu.sh merges its interleaved rounds so)
            printTable(readResults(Path.of(o.get("report"))), o);
            System.exit(0);
        }
        List<Result> results = new ArrayList<>();
        Set<Integer> counts = new LinkedHashSet<>();
        for (int t : threads) counts.add(t);
        for (int t : trainThreads) counts.add(t);
        // One child JVM per thread count and row: a row's JIT profile must not come from the rows before it
        // (C2 compiles a Vector-API kernel shared by conv and MLP products worse after seeing both; measured:
        // the MLP epoch 765 ms alone, 1050-1250 ms after the conv rows in the same JVM), just as one training
        // process trains one model.
        for (int t : counts) {
            boolean gemmHere = Arrays.stream(threads).anyMatch(x -> x == t);
            boolean trainHere = Arrays.stream(trainThreads).anyMatch(x -> x == t);
            for (String row : rows) {
                if (row.equals("gemm") ? !gemmHere : !trainHere) continue;
                String[] one = Arrays.copyOf(args, args.length + 2);
                one[args.length] = "--rows";
                one[args.length + 1] = row;
                results.addAll(runChild(t, one));
            }
        }
        if (o.containsKey("json")) writeJson(results, Path.of(o.get("json")));
        printTable(results, o);
        System.exit(0);
    }

    /** Prints the table (joined with --reference when given) and writes it to --markdown when given. */
    private static void printTable(List<Result> results, Map<String, String> o) throws Exception {
        JsonNode ref = o.containsKey("reference") ? new ObjectMapper().readTree(new File(o.get("reference"))) : null;
        String table = Report.table(results, ref, o.get("commit"));
        System.out.println(table);
        if (o.containsKey("markdown")) Files.writeString(Path.of(o.get("markdown")), table);
    }

    /** The results of a JSON file written by {@link #writeJson}. */
    static List<Result> readResults(Path file) throws Exception {
        List<Result> out = new ArrayList<>();
        JsonNode root = new ObjectMapper().readTree(file.toFile()).get("results");
        if (root == null) throw new IllegalArgumentException("bench: " + file + " has no \"results\" object");
        root.fields().forEachRemaining(e -> out.add(new Result(e.getKey(),
                e.getValue().get("value").isNumber() ? e.getValue().get("value").asDouble() : Double.NaN,
                e.getValue().get("unit").asText(), e.getValue().get("note").asText())));
        return out;
    }

    /** Runs the rows for this JVM's thread count (the one CpuThreads was sized with). */
    private static List<Result> runHere(Set<String> rows, Map<String, String> o, int[] threads, int[] trainThreads) throws Exception {
        int t = CpuThreads.threads();
        boolean gemmHere = Arrays.stream(threads).anyMatch(x -> x == t);
        boolean trainHere = Arrays.stream(trainThreads).anyMatch(x -> x == t);
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "300"));
        int repeats = Integer.parseInt(o.getOrDefault("repeats", "15"));
        List<Result> out = new ArrayList<>();
        if (rows.contains("gemm") && gemmHere) out.addAll(log(GemmBench.run(t, 3)));
        if (!trainHere) return out;
        if (rows.contains("conv")) out.addAll(log(ConvBench.run(t, warmup, repeats)));
        if (rows.contains("mlp") || rows.contains("cnn")) {
            Path data = dataDir(o.get("data"));
            out.addAll(log(EpochBench.run(t, data, Integer.parseInt(o.getOrDefault("warmup-batches", "10")),
                    Integer.parseInt(o.getOrDefault("mlp-batches", "469")), Integer.parseInt(o.getOrDefault("cnn-batches", "60")),
                    Integer.parseInt(o.getOrDefault("epoch-repeats", "3")), rows.contains("mlp"), rows.contains("cnn"))));
        }
        if (rows.contains("transformer")) {
            out.addAll(log(List.of(TransformerBench.run(t, Integer.parseInt(o.getOrDefault("transformer-warmup", "60")),
                    Integer.parseInt(o.getOrDefault("transformer-repeats", "21"))))));
        }
        return out;
    }

    private static List<Result> log(List<Result> rs) {
        for (Result r : rs) System.err.printf("  %-28s %10.2f %-8s %s%n", r.key(), r.value(), r.unit(), r.note());
        return rs;
    }

    /** --data, $NABLA_DATA, ~/.nabla/datasets/fashion-mnist, /usr/share/datasets/fashion-mnist; null when none exists. */
    static Path dataDir(String given) {
        List<Path> c = new ArrayList<>();
        if (given != null) c.add(Path.of(given));
        String env = System.getenv("NABLA_DATA");
        if (env != null && !env.isBlank()) {
            c.add(Path.of(env));
            c.add(Path.of(env, "fashion-mnist"));
        }
        c.add(Path.of(System.getProperty("user.home"), ".nabla", "datasets", "fashion-mnist"));
        c.add(Path.of("/usr/share/datasets/fashion-mnist"));
        for (Path p : c) if (dev.nabla.trainers.data.FashionMnist.isPresent(p)) return p;
        return null;
    }

    private static List<Result> runChild(int t, String[] args) throws Exception {
        Path json = Files.createTempFile("nabla-bench-t" + t, ".json");
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!a.startsWith("-Dnabla.cpu.threads") && !a.contains("FlightRecord") && !a.startsWith("-agent")) cmd.add(a);
            }
            cmd.add("-Dnabla.cpu.threads=" + t);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(BenchMain.class.getName());
            cmd.addAll(Arrays.asList(args));
            cmd.addAll(List.of("--child", "--json", json.toString()));
            System.err.println("bench: " + t + " thread(s) in a child JVM: " + String.join(" ", args));
            Process p = new ProcessBuilder(cmd).inheritIO().redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            int rc = p.waitFor();
            if (rc != 0) throw new IllegalStateException("bench: the child JVM for " + t + " threads exited with " + rc);
            return readResults(json);
        } finally {
            Files.deleteIfExists(json);
        }
    }

    static void writeJson(List<Result> results, Path file) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ObjectNode meta = root.putObject("meta");
        meta.put("impl", "nabla");
        meta.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        ObjectNode res = root.putObject("results");
        for (Result r : results) {
            ObjectNode n = res.putObject(r.key());
            if (Double.isNaN(r.value())) n.putNull("value");
            else n.put("value", r.value());
            n.put("unit", r.unit());
            n.put("note", r.note());
        }
        m.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("bench: unexpected argument '" + a + "'\n" + usage());
            String k = a.substring(2);
            int eq = k.indexOf('=');
            if (eq >= 0) o.put(k.substring(0, eq), k.substring(eq + 1));
            else if (k.equals("child") || k.equals("serve") || k.equals("help")) o.put(k, "true");
            else if (i + 1 < args.length) o.put(k, args[++i]);
            else throw new IllegalArgumentException("bench: --" + k + " needs a value");
        }
        return o;
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }

    static String usage() {
        return """
                usage: BenchMain [--rows gemm,conv,mlp,cnn,transformer] [--threads 1,2] [--train-threads 2]
                                 [--warmup 300] [--repeats 15] [--warmup-batches 10] [--mlp-batches 469] [--cnn-batches 60]
                                 [--epoch-repeats 3] [--transformer-warmup 60] [--transformer-repeats 21] [--data DIR] [--json out.json] [--reference ref.json]
                                 [--markdown table.md] [--commit SHA] [--report results.json]
                (--report: no runs, the table of a results file, joined with --reference; --child [--serve]: this JVM's
                 rows only, for ci/bench/paired.py)
                """;
    }
}

package dev.nabla.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.runtime.Backends;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.cuda.CudaBackend;

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
 * The GPU benchmark, Nabla's side: float32 GEMM (the default path and our PTX GEMM forced), causal attention
 * forward + backward, a training step of the Fashion-MNIST CNN and of a GPT, on the default backend
 * ({@code -Dnabla.backend=cuda} on a GPU host; {@code --device cpu} runs the same code on the CPU, which is
 * how it is tested without a GPU). {@code ci/bench-gpu.sh} runs it and ci/bench/reference_gpu.py (PyTorch) on
 * the same work and joins them.
 *
 * <pre>
 * java -cp ... dev.nabla.samples.bench.GpuBenchMain [--device cuda|cpu] [--quick] [--rows gemm,gemm-ptx,attention,cnn,gpt]
 *      [--json nabla.json] [--reference reference.json] [--markdown table.md] [--results results.json]
 * </pre>
 *
 * <p>The CUDA backend picks cuBLAS or the PTX GEMM once, when it starts ({@code -Dnabla.cuda.gemm=ptx} forces
 * PTX), so the forced-PTX rows run in a child JVM with that property, unless the default path already is the
 * PTX GEMM (no libcublas.so.12), in which case the default rows are the PTX rows. A row that fails (out of
 * memory, a missing kernel) is reported as missing with the reason; the others still run.
 */
public final class GpuBenchMain {
    static final List<String> ALL_ROWS = List.of("gemm", "gemm-ptx", "attention", "cnn", "gpt");

    private GpuBenchMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = parse(args);
        if (o.containsKey("help")) {
            System.out.println(usage());
            return;
        }
        if (o.containsKey("device")) System.setProperty("nabla.backend", o.get("device"));
        if (o.containsKey("child-ptx")) {
            Backend backend = Backends.defaultBackend();
            String path = gemmPath(backend);
            List<Result> rs = path.startsWith("PTX") ? GpuGemmBench.run(backend, sizes(o), true, path)
                    : missingGemm(sizes(o), true, "the child JVM did not get the PTX GEMM: " + path);
            writeJson(log(rs), Map.of("impl", "nabla"), Path.of(o.get("json")));
            System.exit(0);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        List<Result> results = run(rows(o), sizes(o), meta, args);
        meta.put("sizes", o.containsKey("quick") ? "quick" : "full");
        meta.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        if (o.containsKey("json")) writeJson(results, meta, Path.of(o.get("json")));
        JsonNode ref = null;
        if (o.containsKey("reference") && new File(o.get("reference")).isFile()) {
            ref = new ObjectMapper().readTree(new File(o.get("reference")));
        }
        String table = GpuReport.table(results, meta, ref, o.get("gpu-info"), o.get("commit"));
        System.out.println(table);
        if (o.containsKey("markdown")) Files.writeString(Path.of(o.get("markdown")), table);
        if (o.containsKey("results")) {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(new File(o.get("results")),
                    GpuReport.json(results, meta, ref, o.get("gpu-info"), o.get("commit")));
        }
        System.exit(0);
    }

    /**
     * Runs the requested rows on the default backend and fills {@code meta} with what ran where. {@code args}
     * are passed on to the forced-PTX child JVM (null: no child; its rows are then reported missing).
     */
    static List<Result> run(Set<String> rows, GpuSizes s, Map<String, String> meta, String[] args) {
        Backend backend;
        try {
            backend = Backends.defaultBackend();
        } catch (RuntimeException e) {
            meta.put("backend", "unavailable: " + GpuKeys.why(e));
            return missingAll(rows, s, "no backend: " + GpuKeys.why(e));
        }
        String path = gemmPath(backend);
        meta.put("backend", backend.name());
        meta.put("device", backend instanceof CudaBackend c ? c.device() + " " + c.deviceName() : backend.device() + " " + Report.cpuModel());
        meta.put("gemm", path);
        if (backend instanceof CudaBackend c) meta.put("attention", c.paths().get("attention"));

        List<Result> out = new ArrayList<>();
        if (rows.contains("gemm")) out.addAll(log(GpuGemmBench.run(backend, s, false, path)));
        if (rows.contains("gemm-ptx")) out.addAll(log(ptxRows(backend, s, path, out, args)));
        if (rows.contains("attention")) out.addAll(log(List.of(GpuAttentionBench.run(backend, s))));
        if (rows.contains("cnn")) out.addAll(log(GpuTrainStepBench.cnn(backend, s)));
        if (rows.contains("gpt")) out.addAll(log(GpuTrainStepBench.gpt(backend, s)));
        return out;
    }

    /** The forced-PTX GEMM rows: a child JVM, or the default rows again when they already ran on the PTX GEMM. */
    private static List<Result> ptxRows(Backend backend, GpuSizes s, String path, List<Result> done, String[] args) {
        if (!(backend instanceof CudaBackend)) return missingGemm(s, true, "the PTX GEMM is a CUDA path; this run is on " + backend.name());
        if (path.startsWith("PTX")) {
            List<Result> out = new ArrayList<>();
            for (Result d : done) {
                if (d.key().startsWith("gemm_f32_n")) {
                    out.add(new Result("gemm_ptx_" + d.key().substring(5), d.value(), d.unit(), "the default path's run: it is the PTX GEMM"));
                }
            }
            return out.isEmpty() ? GpuGemmBench.run(backend, s, true, path) : out;
        }
        if (args == null) return missingGemm(s, true, "no child JVM in this run");
        return runPtxChild(s, args);
    }

    private static List<Result> runPtxChild(GpuSizes s, String[] args) {
        try {
            Path json = Files.createTempFile("nabla-bench-gpu-ptx", ".json");
            try {
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                    if (!a.startsWith("-Dnabla.cuda.gemm") && !a.startsWith("-Djava.io.tmpdir") && !a.contains("FlightRecord")
                            && !a.startsWith("-agent")) {
                        cmd.add(a);
                    }
                }
                cmd.add("-Dnabla.cuda.gemm=ptx");
                // JCuda unpacks its natives into java.io.tmpdir: a directory of its own, so the child never rewrites
                // a library this JVM has mapped
                Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "ptx-child"));
                cmd.add("-Djava.io.tmpdir=" + tmp);
                cmd.add("-cp");
                cmd.add(System.getProperty("java.class.path"));
                cmd.add(GpuBenchMain.class.getName());
                cmd.addAll(Arrays.asList(args));
                cmd.addAll(List.of("--child-ptx", "--json", json.toString()));
                System.err.println("bench-gpu: the forced-PTX GEMM rows in a child JVM (-Dnabla.cuda.gemm=ptx)");
                Process p = new ProcessBuilder(cmd).inheritIO().redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
                int rc = p.waitFor();
                if (rc != 0) return missingGemm(s, true, "the child JVM (-Dnabla.cuda.gemm=ptx) exited with " + rc);
                List<Result> out = new ArrayList<>();
                new ObjectMapper().readTree(json.toFile()).get("results").fields().forEachRemaining(e -> out.add(new Result(e.getKey(),
                        e.getValue().get("value").isNumber() ? e.getValue().get("value").asDouble() : Double.NaN,
                        e.getValue().get("unit").asText(), e.getValue().get("note").asText())));
                return out;
            } finally {
                Files.deleteIfExists(json);
            }
        } catch (Exception e) {
            return missingGemm(s, true, "the child JVM failed: " + GpuKeys.why(e));
        }
    }

    /** {@code matmul}'s path on a CUDA backend ("cuBLAS ..." or "PTX ..."); the backend's name otherwise. */
    private static String gemmPath(Backend backend) {
        return backend instanceof CudaBackend c ? c.paths().get("matmul") : backend.name() + " backend GEMM";
    }

    private static List<Result> missingGemm(GpuSizes s, boolean ptx, String why) {
        List<Result> out = new ArrayList<>();
        for (int n : s.gemm()) out.add(Result.missing(ptx ? GpuKeys.gemmPtx(n) : GpuKeys.gemm(n), GpuKeys.TFLOPS, why));
        return out;
    }

    private static List<Result> missingAll(Set<String> rows, GpuSizes s, String why) {
        List<Result> out = new ArrayList<>();
        if (rows.contains("gemm")) out.addAll(missingGemm(s, false, why));
        if (rows.contains("gemm-ptx")) out.addAll(missingGemm(s, true, why));
        if (rows.contains("attention")) {
            out.add(Result.missing(GpuKeys.attention(s.attnBatch(), s.attnHeads(), s.attnCtx(), s.attnHeadDim()), "ms", why));
        }
        if (rows.contains("cnn")) {
            out.add(Result.missing(GpuKeys.cnnStep(s.cnnBatch()), "ms/step", why));
            out.add(Result.missing(GpuKeys.cnnRate(s.cnnBatch()), "samples/s", why));
        }
        if (rows.contains("gpt")) {
            out.add(Result.missing(GpuKeys.gptStep(s.gpt()), "ms/step", why));
            out.add(Result.missing(GpuKeys.gptRate(s.gpt()), "tokens/s", why));
        }
        return out;
    }

    static Set<String> rows(Map<String, String> o) {
        Set<String> rows = new LinkedHashSet<>(Arrays.asList(o.getOrDefault("rows", String.join(",", ALL_ROWS)).split(",")));
        for (String r : rows) {
            if (!ALL_ROWS.contains(r)) throw new IllegalArgumentException("bench-gpu: unknown row '" + r + "', expected some of " + ALL_ROWS);
        }
        return rows;
    }

    static GpuSizes sizes(Map<String, String> o) {
        GpuSizes s = o.containsKey("quick") ? GpuSizes.QUICK : GpuSizes.FULL;
        if (o.containsKey("gemm-sizes")) {
            s = new GpuSizes(ints(o.get("gemm-sizes")), s.attnBatch(), s.attnHeads(), s.attnCtx(), s.attnHeadDim(), s.cnnBatch(),
                    s.gpt(), s.warmup(), s.warmupSeconds(), s.repeats());
        }
        return s.withRepeats(Integer.parseInt(o.getOrDefault("warmup", String.valueOf(s.warmup()))),
                Integer.parseInt(o.getOrDefault("repeats", String.valueOf(s.repeats()))));
    }

    private static List<Result> log(List<Result> rs) {
        for (Result r : rs) System.err.printf("  %-44s %12.4g %-9s %s%n", r.key(), r.value(), r.unit(), r.note());
        return rs;
    }

    static void writeJson(List<Result> results, Map<String, String> meta, Path file) throws Exception {
        ObjectMapper m = new ObjectMapper();
        var root = m.createObjectNode();
        var mn = root.putObject("meta");
        meta.forEach(mn::put);
        var res = root.putObject("results");
        for (Result r : results) {
            var n = res.putObject(r.key());
            if (Double.isNaN(r.value())) n.putNull("value");
            else n.put("value", r.value());
            n.put("unit", r.unit());
            n.put("note", r.note());
        }
        m.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("bench-gpu: unexpected argument '" + a + "'\n" + usage());
            String k = a.substring(2);
            int eq = k.indexOf('=');
            if (eq >= 0) o.put(k.substring(0, eq), k.substring(eq + 1));
            else if (k.equals("quick") || k.equals("child-ptx") || k.equals("help")) o.put(k, "true");
            else if (i + 1 < args.length) o.put(k, args[++i]);
            else throw new IllegalArgumentException("bench-gpu: --" + k + " needs a value");
        }
        return o;
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
    }

    static String usage() {
        return """
                usage: GpuBenchMain [--device cuda|cpu] [--quick] [--rows gemm,gemm-ptx,attention,cnn,gpt]
                                    [--gemm-sizes 1024,2048] [--warmup N] [--repeats N] [--json nabla.json]
                                    [--reference reference.json] [--markdown table.md] [--results results.json]
                                    [--commit SHA] [--gpu-info TEXT]
                """;
    }
}

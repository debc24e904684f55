package dev.nabla.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PTX kernels of Nabla, one module per op family, generated from
 * {@code native-kernels/src/main/cuda/<family>.cu} and shipped as class-path resources
 * {@code dev/nabla/kernels/<family>.ptx}. Kernel names follow {@code <op>_<dtype>}, e.g.
 * {@code softmax_f32}; argument orders are listed in {@code native-kernels/KERNELS.md}.
 *
 * <pre>{@code
 * String ptx = KernelCatalog.ptx("softmax");            // pass to cuModuleLoadData
 * KernelCatalog.requireKernels("softmax", List.of("softmax_f32", "softmax_backward_f32"));
 * }</pre>
 *
 * <p>Thread-safe; the text and the parsed names are cached after the first load.
 */
public final class KernelCatalog {

    /** The op families, in the order of {@code native-kernels/src/main/cuda}. */
    private static final List<String> FAMILIES = List.of(
            "elementwise", "reduce", "softmax", "norm", "pool", "conv",
            "gemm", "attention", "loss", "embedding", "random", "optim");

    /** Header line written by {@code scripts/generate-ptx.sh}. */
    public static final String SOURCE_HASH_PREFIX = "// nabla-source-sha256: ";

    private static final String RESOURCE_DIR = "/dev/nabla/kernels/";
    private static final Pattern ENTRY = Pattern.compile("^\\s*\\.(?:visible\\s+)?\\.entry\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(",
            Pattern.MULTILINE);
    private static final Pattern VERSION = Pattern.compile("^\\s*\\.version\\s+(\\d+)\\.(\\d+)\\s*$", Pattern.MULTILINE);

    private static final Map<String, String> PTX = new ConcurrentHashMap<>();
    private static final Map<String, Set<String>> NAMES = new ConcurrentHashMap<>();

    private KernelCatalog() {
    }

    /** Every op family that has a PTX module. */
    public static List<String> families() {
        return FAMILIES;
    }

    /**
     * The PTX text of a family, ready for {@code cuModuleLoadData} (append a NUL byte when
     * passing it as a byte array).
     *
     * @throws IllegalArgumentException if {@code family} is not one of {@link #families()}
     * @throws IllegalStateException if the resource is missing from the class path
     */
    public static String ptx(String family) {
        requireFamily(family);
        return PTX.computeIfAbsent(family, KernelCatalog::load);
    }

    /** The {@code .entry} names of a family's PTX, sorted. */
    public static Set<String> kernelNames(String family) {
        return NAMES.computeIfAbsent(family, f -> {
            Matcher m = ENTRY.matcher(ptx(f));
            Set<String> names = new TreeSet<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return Collections.unmodifiableSet(names);
        });
    }

    /**
     * Fails unless every name in {@code names} is a kernel of {@code family}; the message
     * names each missing kernel. A backend calls this once for the kernels it launches.
     *
     * @throws IllegalStateException listing the missing kernels
     */
    public static void requireKernels(String family, Collection<String> names) {
        Set<String> present = kernelNames(family);
        Set<String> missing = new LinkedHashSet<>();
        for (String name : names) {
            if (!present.contains(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("PTX module '" + family + "' lacks kernel(s) " + missing
                    + "; it has " + present.size() + " kernels. Add them to native-kernels/src/main/cuda/"
                    + family + ".cu and run native-kernels/scripts/generate-ptx.sh");
        }
    }

    /**
     * The SHA-256 (lower-case hex) of the {@code .cu} source the family's PTX was generated
     * from, as recorded by the generator; used to detect sources edited without regenerating.
     */
    public static String sourceHash(String family) {
        String text = ptx(family);
        for (String line : text.split("\n", 8)) {
            if (line.startsWith(SOURCE_HASH_PREFIX)) {
                return line.substring(SOURCE_HASH_PREFIX.length()).trim();
            }
        }
        throw new IllegalStateException("PTX module '" + family + "' has no '" + SOURCE_HASH_PREFIX.trim()
                + "' header; regenerate it with native-kernels/scripts/generate-ptx.sh");
    }

    /** The PTX ISA version of a family's module as {@code {major, minor}}. */
    public static int[] ptxVersion(String family) {
        Matcher m = VERSION.matcher(ptx(family));
        if (!m.find()) {
            throw new IllegalStateException("PTX module '" + family + "' has no .version directive");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static void requireFamily(String family) {
        if (!FAMILIES.contains(family)) {
            throw new IllegalArgumentException("unknown kernel family '" + family + "'; expected one of " + FAMILIES);
        }
    }

    private static String load(String family) {
        String path = RESOURCE_DIR + family + ".ptx";
        try (InputStream in = KernelCatalog.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + path + " is missing from the class path;"
                        + " run native-kernels/scripts/generate-ptx.sh and rebuild nabla-native-kernels");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PTX resource " + path, e);
        }
    }
}

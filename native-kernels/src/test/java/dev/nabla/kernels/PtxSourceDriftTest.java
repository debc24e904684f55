package dev.nabla.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed PTX must come from the committed CUDA sources: the .cu file and every local
 * header it includes (scripts/generate-ptx.sh records the hash of both).
 */
class PtxSourceDriftTest {

    private static final Pattern LOCAL_INCLUDE = Pattern.compile("^\\s*#\\s*include\\s*\"([^\"]+)\"", Pattern.MULTILINE);

    static List<String> families() {
        return KernelCatalog.families();
    }

    @ParameterizedTest
    @MethodSource("families")
    void committedPtxWasGeneratedFromCurrentSources(String family) throws IOException, NoSuchAlgorithmException {
        Path source = ModuleFiles.cudaSource(family);
        assertTrue(Files.isRegularFile(source), "missing CUDA source " + source);
        List<String> files = sourceFiles(family);
        assertEquals(combinedHash(files), KernelCatalog.sourceHash(family),
                family + ".ptx is stale: " + files + " in src/main/cuda changed since the PTX was generated;"
                        + " run native-kernels/scripts/generate-ptx.sh and commit the PTX");
    }

    @Test
    void everyCudaSourceIsACatalogFamily() throws IOException {
        Set<String> sources;
        try (Stream<Path> files = Files.list(cudaDir())) {
            sources = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".cu"))
                    .map(n -> n.substring(0, n.length() - 3))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(KernelCatalog.families()), sources,
                "KernelCatalog.families() and src/main/cuda/*.cu must list the same families");
    }

    @Test
    void everyHeaderIsIncludedByAFamilySoItsEditsAreTracked() throws IOException {
        Set<String> headers;
        try (Stream<Path> files = Files.list(cudaDir())) {
            headers = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".cuh") || n.endsWith(".h"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> included = new TreeSet<>();
        for (String family : KernelCatalog.families()) {
            included.addAll(sourceFiles(family));
        }
        headers.removeAll(included);
        assertEquals(Set.of(), headers, "headers in src/main/cuda that no family includes");
    }

    /** {@code <family>.cu}, then its quoted includes, recursively, each once, in order of first inclusion. */
    static List<String> sourceFiles(String family) throws IOException {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(family + ".cu");
        seen.add(family + ".cu");
        List<String> out = new java.util.ArrayList<>();
        while (!queue.isEmpty()) {
            String name = queue.poll();
            out.add(name);
            Path file = cudaDir().resolve(name);
            assertTrue(Files.isRegularFile(file), "missing CUDA source or header " + file);
            Matcher m = LOCAL_INCLUDE.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                if (seen.add(m.group(1))) {
                    queue.add(m.group(1));
                }
            }
        }
        return out;
    }

    /** SHA-256 of what {@code sha256sum file...} prints in src/main/cuda (generate-ptx.sh). */
    static String combinedHash(List<String> files) throws IOException, NoSuchAlgorithmException {
        StringBuilder listing = new StringBuilder();
        for (String name : files) {
            listing.append(sha256(Files.readAllBytes(cudaDir().resolve(name)))).append("  ").append(name).append('\n');
        }
        return sha256(listing.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static Path cudaDir() {
        return ModuleFiles.moduleDir().resolve("src/main/cuda");
    }
}

package dev.nabla.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The committed PTX must come from the committed CUDA sources. */
class PtxSourceDriftTest {

    static List<String> families() {
        return KernelCatalog.families();
    }

    @ParameterizedTest
    @MethodSource("families")
    void committedPtxWasGeneratedFromCurrentSource(String family) throws IOException, NoSuchAlgorithmException {
        Path source = ModuleFiles.cudaSource(family);
        assertTrue(Files.isRegularFile(source), "missing CUDA source " + source);
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source)));
        assertEquals(actual, KernelCatalog.sourceHash(family),
                family + ".ptx is stale: src/main/cuda/" + family + ".cu changed since the PTX was generated;"
                        + " run native-kernels/scripts/generate-ptx.sh and commit the PTX");
    }

    @Test
    void everyCudaSourceIsACatalogFamily() throws IOException {
        Set<String> sources;
        try (Stream<Path> files = Files.list(ModuleFiles.moduleDir().resolve("src/main/cuda"))) {
            sources = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".cu"))
                    .map(n -> n.substring(0, n.length() - 3))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(KernelCatalog.families()), sources,
                "KernelCatalog.families() and src/main/cuda/*.cu must list the same families");
    }
}

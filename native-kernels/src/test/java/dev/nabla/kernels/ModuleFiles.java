package dev.nabla.kernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the native-kernels module directory whether tests run from it or from the reactor root; skips the test elsewhere. */
final class ModuleFiles {

    private ModuleFiles() {
    }

    static Path moduleDir() {
        String basedir = System.getProperty("basedir");
        Path candidate = basedir != null ? Paths.get(basedir) : Paths.get("").toAbsolutePath();
        if (Files.isDirectory(candidate.resolve("src/main/cuda"))) {
            return candidate;
        }
        Path nested = candidate.resolve("native-kernels");
        if (Files.isDirectory(nested.resolve("src/main/cuda"))) {
            return nested;
        }
        // Outside the source tree (the GPU bundle ships only compiled tests) the source checks are skipped, visibly.
        return org.junit.jupiter.api.Assumptions.abort("the CUDA sources (native-kernels/src/main/cuda) are not here ("
                + candidate.toAbsolutePath() + "); source checks run in the source tree");
    }

    static Path cudaSource(String family) {
        return moduleDir().resolve("src/main/cuda").resolve(family + ".cu");
    }
}

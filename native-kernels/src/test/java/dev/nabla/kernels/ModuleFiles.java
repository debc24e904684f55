package dev.nabla.kernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates the native-kernels module directory whether tests run from it or from the reactor root. */
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
        throw new IllegalStateException("cannot find native-kernels/src/main/cuda from " + candidate.toAbsolutePath());
    }

    static Path cudaSource(String family) {
        return moduleDir().resolve("src/main/cuda").resolve(family + ".cu");
    }
}

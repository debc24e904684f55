package dev.nabla.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Assembles every PTX module with ptxas for each supported GPU generation, when ptxas is
 * installed; this is what the driver's JIT will do on the user's machine.
 */
class PtxasAssemblyTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"sm_75", "sm_80", "sm_86", "sm_89", "sm_90"})
    void everyModuleAssemblesFor(String arch) throws IOException, InterruptedException {
        Optional<Path> ptxas = findOnPath("ptxas");
        assumeTrue(ptxas.isPresent(), "ptxas is not on PATH; skipping the PTX assembly check for " + arch
                + " (install the CUDA toolkit or run native-kernels/scripts/check-ptx.sh on a machine that has it)");

        Map<String, Process> running = new LinkedHashMap<>();
        for (String family : KernelCatalog.families()) {
            Path ptx = tmp.resolve(family + ".ptx");
            Files.writeString(ptx, KernelCatalog.ptx(family), StandardCharsets.US_ASCII);
            Path log = tmp.resolve(family + "." + arch + ".log");
            running.put(family, new ProcessBuilder(ptxas.get().toString(), "-arch=" + arch, "--warning-as-error",
                    "-o", tmp.resolve(family + "." + arch + ".cubin").toString(), ptx.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Process> e : running.entrySet()) {
            Process p = e.getValue();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                failures.add(e.getKey() + ": ptxas timed out");
            } else if (p.exitValue() != 0) {
                failures.add(e.getKey() + ": " + Files.readString(tmp.resolve(e.getKey() + "." + arch + ".log")).trim());
            }
        }
        assertEquals(List.of(), failures, "ptxas -arch=" + arch + " failed");
    }

    private static Optional<Path> findOnPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}

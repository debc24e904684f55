package dev.nabla.trainers.checkpoint;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Interop with PyTorch through the safetensors format. gen_optim.py writes a PyTorch state dict (an MLP's
 * {@code 0.weight} ... plus int64, int32 and float64 tensors) with a spec-following writer
 * ({@code pytorch_mlp.safetensors}) and its values as a text fixture. Here: Nabla reads that file; Nabla writing the
 * same tensors produces the same bytes (same header key order, compact JSON, space padding, little-endian data);
 * and, where Python with torch is installed, the Python reader checks a Nabla-written file value by value.
 */
class SafeTensorsInteropTest {
    static final List<String> NAMES = List.of("0.weight", "0.bias", "2.weight", "2.bias", "counts", "ids", "scale");

    @TempDir Path dir;

    static DType dtype(String numpy) {
        return switch (numpy) {
            case "float32" -> DType.FLOAT32;
            case "float64" -> DType.FLOAT64;
            case "int32" -> DType.INT32;
            case "int64" -> DType.INT64;
            default -> throw new IllegalArgumentException(numpy);
        };
    }

    /** The tensors of the PyTorch state dict, rebuilt from the text fixture. */
    static Map<String, Tensor> expected() {
        Fixtures f = Fixtures.load("safetensors/pytorch_mlp_values.txt");
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String n : NAMES) {
            Fixtures.Array a = f.get(n.replace('.', '_'));
            m.put(n, a.tensor(dtype(a.dtype()), Device.CPU));
        }
        return m;
    }

    Path pytorchFile() throws IOException {
        Path p = dir.resolve("pytorch_mlp.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/fixtures/safetensors/pytorch_mlp.safetensors")) {
            assertNotNull(in, "fixture pytorch_mlp.safetensors missing; run trainers/src/test/python/gen_optim.py");
            Files.copy(in, p);
        }
        return p;
    }

    @Test void aFileWrittenFromPyTorchLoadsWithItsNamesDtypesShapesAndValues() throws IOException {
        SafeTensors.Contents c = SafeTensors.read(pytorchFile());
        assertEquals(NAMES, List.copyOf(c.tensors().keySet()));
        assertEquals("pt", c.metadata().get("format"));
        Map<String, Tensor> want = expected();
        for (String n : NAMES) {
            Tensor got = c.tensors().get(n), exp = want.get(n);
            assertEquals(exp.dtype(), got.dtype(), n);
            assertEquals(exp.shape(), got.shape(), n);
            assertArrayEquals(exp.toDoubleArray(), got.toDoubleArray(), n);
        }
        assertEquals(DType.FLOAT32, c.tensors().get("0.weight").dtype());
        assertEquals(4, c.tensors().get("0.weight").dim(1));
    }

    @Test void nablaWritesTheSameBytesAsThePythonWriterForTheSameTensors() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("written_by", "gen_optim.py");
        Path mine = dir.resolve("nabla.safetensors");
        SafeTensors.write(mine, expected(), meta);
        byte[] theirs = Files.readAllBytes(pytorchFile());
        byte[] ours = Files.readAllBytes(mine);
        assertEquals(new String(theirs, 8, 200, StandardCharsets.US_ASCII).split("}}")[0],
                new String(ours, 8, 200, StandardCharsets.US_ASCII).split("}}")[0], "header start");
        assertArrayEquals(theirs, ours);
    }

    @Test void pythonReadsANablaWrittenFile() throws Exception {
        Path script = Path.of("src/test/python/gen_optim.py");
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isRegularFile(script) && Files.isExecutable(python), "needs /usr/bin/python3 and the generator script");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import torch").redirectErrorStream(true).start();
        Assumptions.assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0, "needs python3-torch");
        Path mine = dir.resolve("for_python.safetensors");
        SafeTensors.write(mine, expected(), Map.of("written_by", "nabla"));
        Process p = new ProcessBuilder(python.toString(), script.toString(), "--check", mine.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("7 tensors match"), out);
    }
}

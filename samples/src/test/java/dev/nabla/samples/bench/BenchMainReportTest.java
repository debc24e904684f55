package dev.nabla.samples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU benchmark's results files: what {@link BenchMain#writeJson} writes, {@link BenchMain#readResults} reads
 * back unchanged (the --report mode and the child JVMs rely on it), and the table joins them with a reference.
 */
class BenchMainReportTest {
    @Test
    void resultsRoundTripThroughTheirJsonAndJoinTheReference(@TempDir Path dir) throws Exception {
        List<Result> rs = List.of(new Result("gemm_f32_n512_t1", 70.5, "GFLOP/s", "median of 50"),
                new Result("transformer_step_t2", 80.25, "ms", "median of 21"),
                new Result("conv1_fwd_bwd_t2", Double.NaN, "ms", "missing: no data"));
        Path f = dir.resolve("nabla.json");
        BenchMain.writeJson(rs, f);
        List<Result> back = BenchMain.readResults(f);
        assertEquals(rs.size(), back.size());
        for (int i = 0; i < rs.size(); i++) {
            assertEquals(rs.get(i).key(), back.get(i).key());
            assertEquals(rs.get(i).value(), back.get(i).value(), 0.0, rs.get(i).key());
            assertEquals(rs.get(i).unit(), back.get(i).unit());
            assertEquals(rs.get(i).note(), back.get(i).note());
        }
        Path ref = dir.resolve("reference.json");
        Files.writeString(ref, "{\"meta\": {\"torch\": \"1.13\"}, \"results\": {"
                + "\"gemm_f32_n512_t1\": {\"value\": 141.0, \"unit\": \"GFLOP/s\", \"note\": \"numpy\"},"
                + "\"transformer_step_t2\": {\"value\": 40.125, \"unit\": \"ms\", \"note\": \"torch\"}}}");
        String table = Report.table(back, new ObjectMapper().readTree(ref.toFile()), "abc1234");
        assertTrue(table.contains("Commit: abc1234") && table.contains("torch=1.13"), table);
        assertTrue(table.contains("| 0.50 |"), "GEMM ratio 70.5 / 141: " + table);
        assertTrue(table.contains("2.00"), "Transformer ratio 80.25 / 40.125: " + table);
    }

    @Test
    void aFileWithoutResultsIsRejectedByName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"meta\": {}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchMain.readResults(f));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("results"), e.getMessage());
    }
}

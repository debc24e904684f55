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
    void aPairedRatioFromTheDriverIsTheRatioShown(@TempDir Path dir) throws Exception {
        // ci/bench/paired.py puts the median of the paired slices' ratios into the reference's results: the table
        // shows it rather than the ratio of the two medians (here 1.50 instead of 80.25 / 40.125 = 2.00)
        List<Result> rs = List.of(new Result("transformer_step_t2", 80.25, "ms", "median of 21"));
        Path ref = dir.resolve("reference.json");
        Files.writeString(ref, "{\"meta\": {}, \"results\": {\"transformer_step_t2\": {\"value\": 40.125, \"unit\": \"ms\","
                + " \"note\": \"torch\", \"paired_ratio\": 1.5, \"paired_slices\": 7}}}");
        String table = Report.table(rs, new ObjectMapper().readTree(ref.toFile()), null);
        assertTrue(table.contains("| 80.25 | 40.13 | 1.50 ✗ |"), table);
        assertTrue(table.contains("paired slices"), table);
    }

    @Test
    void servingTimesOneSliceForEachGoAndReturnsAllTheirRuns() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream lines = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        Pace.enable(new java.io.BufferedReader(new java.io.StringReader("go\ngo\nnext\n")), lines);
        try {
            int[] calls = {0};
            double[] runs = Pace.slices("conv1_fwd_bwd_t2", () -> {
                calls[0]++;
                return new double[]{calls[0], 10 * calls[0], 100 * calls[0]};
            });
            assertEquals(2, calls[0]);
            assertEquals(List.of(1.0, 10.0, 100.0, 2.0, 20.0, 200.0), java.util.Arrays.stream(runs).boxed().toList());
            assertEquals("@pace ready conv1_fwd_bwd_t2\n@pace value conv1_fwd_bwd_t2 10.000000\n"
                    + "@pace value conv1_fwd_bwd_t2 20.000000\n", bytes.toString(java.nio.charset.StandardCharsets.UTF_8)
                    .replace(System.lineSeparator(), "\n"));
            Pace.enable(new java.io.BufferedReader(new java.io.StringReader("stop\n")), lines);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Pace.slices("k", () -> new double[]{1}));
            assertTrue(e.getMessage().contains("'go' or 'next'") && e.getMessage().contains("stop"), e.getMessage());
        } finally {
            Pace.disable();
        }
    }

    @Test
    void aFileWithoutResultsIsRejectedByName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"meta\": {}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchMain.readResults(f));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("results"), e.getMessage());
    }
}

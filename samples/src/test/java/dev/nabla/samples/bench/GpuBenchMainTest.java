package dev.nabla.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPU benchmark's Java side at tiny sizes on the default backend (the CPU here): every row, a positive number. */
class GpuBenchMainTest {
    /** Smaller than --quick, so that the test takes seconds on a busy two-core machine. */
    private static final GpuSizes TINY = new GpuSizes(new int[]{64}, 1, 2, 32, 16, 8,
            new GptModel.Config(65, 16, 32, 2, 1, 128, 2), 1, 0, 2);

    @Test void everyRowIsMeasuredWithAPositiveValue() {
        Map<String, String> meta = new LinkedHashMap<>();
        List<Result> rs = GpuBenchMain.run(Set.of("gemm", "attention", "cnn", "gpt"), TINY, meta, null);
        Map<String, Result> byKey = rs.stream().collect(Collectors.toMap(Result::key, r -> r));
        List<String> want = List.of("gemm_f32_n64", "attention_fwd_bwd_b1_h2_t32_d16", "cnn_step_b8", "cnn_samples_per_s_b8",
                "gpt_step_l1_h2_c32_t16_b2_v65", "gpt_tokens_per_s_l1_h2_c32_t16_b2_v65");
        assertEquals(want, rs.stream().map(Result::key).toList());
        for (String k : want) {
            double v = byKey.get(k).value();
            assertTrue(v > 0 && Double.isFinite(v), k + " = " + v + " (" + byKey.get(k).note() + ")");
        }
        assertEquals(8 * 1000.0 / byKey.get("cnn_step_b8").value(), byKey.get("cnn_samples_per_s_b8").value(), 1e-9);
        assertFalse(meta.get("backend").isBlank());
    }

    @Test void theForcedPtxRowIsMissingWithAReasonRatherThanThrownWhenItCannotRun() {
        List<Result> rs = GpuBenchMain.run(Set.of("gemm-ptx"), TINY, new LinkedHashMap<>(), null);
        assertEquals(1, rs.size());
        assertEquals("gemm_ptx_f32_n64", rs.get(0).key());
        if (Double.isNaN(rs.get(0).value())) assertFalse(rs.get(0).note().isBlank());
    }

    @Test void theTableJoinsTheReferenceRowByRowAndSaysWhatIsMissing() throws Exception {
        List<Result> rs = List.of(new Result("gemm_f32_n64", 2.0, GpuKeys.TFLOPS, "x"),
                Result.missing("gemm_ptx_f32_n64", GpuKeys.TFLOPS, "out of memory"),
                new Result("cnn_step_b32", 3.0, "ms/step", "x"));
        JsonNode ref = new ObjectMapper().readTree("""
                {"meta": {"torch": "2.11.0", "device_name": "NVIDIA H100", "cuda": "13.0"},
                 "results": {"gemm_f32_n64": {"value": 4.0, "unit": "TFLOP/s", "note": "torch.matmul"},
                             "cnn_step_b32": {"value": null, "unit": "ms/step", "note": "OutOfMemoryError: boom"}}}""");
        String t = GpuReport.table(rs, Map.of("backend", "cuda"), ref, null, "abc1234");
        assertTrue(t.contains("| GEMM f32 n=64, Nabla's default path (TFLOP/s) | 2.00 | 4.00 | 0.50 |"), t);
        assertTrue(t.contains("| GEMM f32 n=64, Nabla's PTX GEMM forced (TFLOP/s) | n/a | 4.00 | - |"), t);
        assertTrue(t.contains("| CNN train step, batch 32, Adam (ms/step) | 3.00 | n/a | - |"), t);
        assertTrue(t.contains("gemm_ptx_f32_n64: Nabla not measured: out of memory"), t);
        assertTrue(t.contains("cnn_step_b32: PyTorch not measured: OutOfMemoryError: boom"), t);
        assertTrue(t.contains("Device: NVIDIA H100, CUDA 13.0 (from torch; no nvidia-smi)"), t);
        assertTrue(t.contains("Commit: abc1234"), t);
        JsonNode row = GpuReport.json(rs, Map.of(), ref, null, "abc1234").get("rows").get(0);
        assertEquals(0.5, row.get("ratio").asDouble(), 1e-12);
    }
}

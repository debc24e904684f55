package dev.nabla.samples.bench;

import dev.nabla.runtime.backend.Backend;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row keys of the GPU benchmark, shared with ci/bench/reference_gpu.py (both sides print the same keys, sizes
 * included, so the table joins them), their labels, and small helpers of the GPU rows.
 */
final class GpuKeys {
    static final String TFLOPS = "TFLOP/s";

    private GpuKeys() {}

    static String gemm(int n) { return "gemm_f32_n" + n; }

    /** Our PTX GEMM forced; the reference's value for it is its (only) GEMM row. */
    static String gemmPtx(int n) { return "gemm_ptx_f32_n" + n; }

    static String attention(int b, int h, int t, int d) { return "attention_fwd_bwd_b" + b + "_h" + h + "_t" + t + "_d" + d; }

    static String cnnStep(int batch) { return "cnn_step_b" + batch; }

    static String cnnRate(int batch) { return "cnn_samples_per_s_b" + batch; }

    static String gptStep(GptModel.Config c) { return "gpt_step_" + gptSizes(c); }

    static String gptRate(GptModel.Config c) { return "gpt_tokens_per_s_" + gptSizes(c); }

    private static String gptSizes(GptModel.Config c) {
        return "l" + c.layers() + "_h" + c.heads() + "_c" + c.width() + "_t" + c.ctx() + "_b" + c.batch() + "_v" + c.vocab();
    }

    /** The reference row a Nabla row is compared with. */
    static String referenceKey(String key) { return key.startsWith("gemm_ptx_") ? "gemm_" + key.substring(9) : key; }

    private static final Pattern GEMM = Pattern.compile("gemm_(ptx_)?f32_n(\\d+)");
    private static final Pattern ATTN = Pattern.compile("attention_fwd_bwd_b(\\d+)_h(\\d+)_t(\\d+)_d(\\d+)");
    private static final Pattern CNN = Pattern.compile("cnn_(step|samples_per_s)_b(\\d+)");
    private static final Pattern GPT = Pattern.compile("gpt_(step|tokens_per_s)_l(\\d+)_h(\\d+)_c(\\d+)_t(\\d+)_b(\\d+)_v(\\d+)");

    /** A human label for the table, with the unit. */
    static String label(String key, String unit) {
        Matcher m;
        if ((m = GEMM.matcher(key)).matches()) {
            return "GEMM f32 n=" + m.group(2) + (m.group(1) != null ? ", Nabla's PTX GEMM forced" : ", Nabla's default path") + " (" + unit + ")";
        }
        if ((m = ATTN.matcher(key)).matches()) {
            return "attention fwd+bwd, causal, B=" + m.group(1) + " H=" + m.group(2) + " T=" + m.group(3) + " D=" + m.group(4) + " (" + unit + ")";
        }
        if ((m = CNN.matcher(key)).matches()) return "CNN train step, batch " + m.group(2) + ", Adam (" + unit + ")";
        if ((m = GPT.matcher(key)).matches()) {
            return "GPT train step, " + m.group(2) + " layers, " + m.group(3) + " heads, width " + m.group(4) + ", context "
                    + m.group(5) + ", batch " + m.group(6) + ", AdamW (" + unit + ")";
        }
        return key + " (" + unit + ")";
    }

    /** Why a row could not be measured, in one line: the exception's class and message. */
    static String why(Throwable e) {
        String msg = e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ").trim();
        return e.getClass().getSimpleName() + msg;
    }

    /** Between rows: return cached device memory, so the next row (or the next process) has all of it. */
    static void release(Backend backend) {
        try {
            backend.emptyCache();
        } catch (RuntimeException e) {
            System.err.println("bench-gpu: emptyCache failed after a row: " + why(e));
        }
    }
}

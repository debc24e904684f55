package dev.nabla.samples.bench;

/** Row keys shared with ci/bench/reference_cpu.py: both sides print the same keys so the script can join them. */
final class BenchKeys {
    private BenchKeys() {}

    static String gemm(int n, int threads) { return "gemm_f32_n" + n + "_t" + threads; }

    static String conv(int layer, int threads) { return "conv" + layer + "_fwd_bwd_t" + threads; }

    static String mlpEpoch(int threads) { return "mlp_epoch_t" + threads; }

    static String cnnEpoch(int threads) { return "cnn_epoch_t" + threads; }

    static String transformerStep(int threads) { return "transformer_step_t" + threads; }

    /** A human label for the table. */
    static String label(String key) {
        String t = key.substring(key.lastIndexOf("_t") + 2);
        String thr = t + (t.equals("1") ? " thread" : " threads");
        if (key.startsWith("gemm_f32_n")) return "GEMM f32 n=" + key.substring(10, key.lastIndexOf("_t")) + ", " + thr + " (GFLOP/s)";
        if (key.startsWith("conv1")) return "conv2d fwd+bwd [128,1,28,28]->32 3x3, " + thr + " (ms)";
        if (key.startsWith("conv2")) return "conv2d fwd+bwd [128,32,14,14]->64 3x3, " + thr + " (ms)";
        if (key.startsWith("mlp")) return "MLP 784-256-128-10 epoch, " + thr + " (ms)";
        if (key.startsWith("cnn")) return "CNN epoch, " + thr + " (ms)";
        if (key.startsWith("transformer")) return "Transformer train step, " + thr + " (ms)";
        return key;
    }
}

package dev.nabla.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Shape of the shipped PTX: loadable ISA version, non-empty, consistently named. */
class PtxModuleTest {

    private static final Pattern KERNEL_NAME = Pattern.compile("[a-z][a-z0-9]*(?:_[a-z0-9]+)*_(?:f32|f64|i32|i64)");

    static List<String> families() {
        return KernelCatalog.families();
    }

    @ParameterizedTest
    @MethodSource("families")
    void ptxIsaVersionLoadsOnCuda12Drivers(String family) {
        int[] version = KernelCatalog.ptxVersion(family);
        assertTrue(version[0] <= 8, family + ".ptx declares .version " + version[0] + "." + version[1]
                + "; CUDA 12 drivers refuse ISA 9.x (see scripts/generate-ptx.sh)");
    }

    @ParameterizedTest
    @MethodSource("families")
    void ptxTargetsSm75SoItJitsForwardOnEveryArch(String family) {
        assertTrue(KernelCatalog.ptx(family).contains("\n.target sm_75\n"), family + ".ptx must be generated for sm_75");
    }

    @ParameterizedTest
    @MethodSource("families")
    void everyFamilyHasNamedKernels(String family) {
        Set<String> names = KernelCatalog.kernelNames(family);
        assertFalse(names.isEmpty(), family + ".ptx has no .entry");
        List<String> badlyNamed = names.stream().filter(n -> !KERNEL_NAME.matcher(n).matches()).collect(Collectors.toList());
        assertEquals(List.of(), badlyNamed, "kernel names in " + family + " must follow <op>_<f32|f64|i32|i64>");
    }

    @Test
    void requireKernelsAcceptsPresentKernels() {
        KernelCatalog.requireKernels("gemm", List.of("gemm_f32", "gemm_f64"));
    }

    @Test
    void requireKernelsNamesEachMissingKernel() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelCatalog.requireKernels("softmax", List.of("softmax_f32", "softmax_f16", "nope_f32")));
        assertTrue(e.getMessage().contains("softmax_f16") && e.getMessage().contains("nope_f32"), e.getMessage());
        assertFalse(e.getMessage().contains("[softmax_f32"), e.getMessage());
    }

    @Test
    void unknownFamilyIsRejectedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelCatalog.ptx("fft"));
        assertTrue(e.getMessage().contains("fft") && e.getMessage().contains("elementwise"), e.getMessage());
    }

    @Test
    void documentedKernelsExist() {
        KernelCatalog.requireKernels("elementwise", List.of("gelu_tanh_f32", "gelu_tanh_backward_f64", "add_f32",
                "where_f32", "strided_copy_i64", "strided_write_f32", "cast_f32_to_i64", "fill_i32", "eq_i64"));
        KernelCatalog.requireKernels("attention", List.of("attention_forward_f32", "attention_backward_delta_f32",
                "attention_backward_dq_f32", "attention_backward_dkdv_f32"));
        KernelCatalog.requireKernels("random", List.of("uniform_f32", "uniform_f64", "normal_f32", "normal_f64",
                "dropout_f32", "dropout_f64"));
    }
}

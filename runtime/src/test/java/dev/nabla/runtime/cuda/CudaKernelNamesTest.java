package dev.nabla.runtime.cuda;

import dev.nabla.kernels.KernelCatalog;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/**
 * Every kernel a Java family launches exists in the committed PTX: a renamed or missing kernel fails here,
 * on any machine, instead of at a user's first training step on a GPU.
 */
class CudaKernelNamesTest {
    private static final Map<String, KernelNames> FAMILIES = Map.ofEntries(
            Map.entry("CudaElementwise", CudaElementwise.KERNELS),
            Map.entry("CudaCopy", CudaCopy.KERNELS),
            Map.entry("CudaReduce", CudaReduce.KERNELS),
            Map.entry("CudaSoftmax", CudaSoftmax.KERNELS),
            Map.entry("PtxGemm", PtxGemm.KERNELS),
            Map.entry("CudaConv", CudaConv.KERNELS),
            Map.entry("CudaPool", CudaPool.KERNELS),
            Map.entry("CudaNorm", CudaNorm.KERNELS),
            Map.entry("CudaIndex", CudaIndex.KERNELS),
            Map.entry("CudaRandom", CudaRandom.KERNELS),
            Map.entry("CudaAttention", CudaAttention.KERNELS),
            Map.entry("CudaLoss", CudaLoss.KERNELS));

    @TestFactory
    Stream<DynamicTest> everyKernelTheJavaSideLaunchesIsInThePtx() {
        List<DynamicTest> tests = new java.util.ArrayList<>();
        for (Map.Entry<String, KernelNames> family : FAMILIES.entrySet()) {
            for (Map.Entry<String, Set<String>> module : family.getValue().byFamily().entrySet()) {
                String name = family.getKey() + " -> " + module.getKey() + ".ptx (" + module.getValue().size() + " kernels)";
                tests.add(DynamicTest.dynamicTest(name, () -> assertDoesNotThrow(
                        () -> KernelCatalog.requireKernels(module.getKey(), List.copyOf(module.getValue())))));
            }
        }
        return tests.stream();
    }
}

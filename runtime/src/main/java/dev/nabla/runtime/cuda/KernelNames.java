package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kernels a Java family class launches, by PTX module. Each {@code Cuda*} family declares one of
 * these, built from the same name functions its launch code uses, and a test checks every name against
 * the committed PTX ({@code KernelCatalog.requireKernels}), so a renamed kernel fails the build, not a
 * user's training run.
 */
final class KernelNames {
    private final Map<String, Set<String>> byFamily = new LinkedHashMap<>();

    static KernelNames create() { return new KernelNames(); }

    /** {@code <op>_<suffix>} for each op and dtype. */
    KernelNames add(String family, Iterable<DType> dtypes, String... ops) {
        for (DType d : dtypes) for (String op : ops) add(family, op + "_" + d.suffix());
        return this;
    }

    KernelNames add(String family, String name) {
        byFamily.computeIfAbsent(family, f -> new TreeSet<>()).add(name);
        return this;
    }

    Map<String, Set<String>> byFamily() { return Collections.unmodifiableMap(byFamily); }

    static final java.util.List<DType> FLOATS = java.util.List.of(DType.FLOAT32, DType.FLOAT64);
    static final java.util.List<DType> ALL = java.util.List.of(DType.values());
}

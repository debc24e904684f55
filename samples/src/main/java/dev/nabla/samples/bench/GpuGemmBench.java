package dev.nabla.samples.bench;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.random.Generator;

import java.util.ArrayList;
import java.util.List;

/**
 * float32 C = A B for square n x n matrices through {@code Tensor.matmul} on the default backend: the path
 * every matrix product of a model takes (cuBLAS when it loads, else our PTX GEMM; the note says which).
 * The output comes from the backend's caching allocator and is freed after each product.
 */
final class GpuGemmBench {
    private GpuGemmBench() {}

    /** One row per size; {@code ptx} names them as the forced-PTX rows (the JVM runs with -Dnabla.cuda.gemm=ptx). */
    static List<Result> run(Backend backend, GpuSizes s, boolean ptx, String path) {
        List<Result> out = new ArrayList<>();
        for (int n : s.gemm()) out.add(one(backend, s, n, ptx, path));
        return out;
    }

    private static Result one(Backend backend, GpuSizes s, int n, boolean ptx, String path) {
        String key = ptx ? GpuKeys.gemmPtx(n) : GpuKeys.gemm(n);
        try (Scope outer = Scope.open()) {
            Generator gen = new Generator(n);
            Tensor a = Tensor.uniform(Shape.of(n, n), -1, 1, DType.FLOAT32, backend.device(), gen);
            Tensor b = Tensor.uniform(Shape.of(n, n), -1, 1, DType.FLOAT32, backend.device(), gen);
            double flops = 2.0 * n * n * n;
            int inner = GpuTiming.gemmInner(flops);
            GpuTiming.Samples t = GpuTiming.measure(backend, s, inner, () -> {
                try (Scope step = Scope.open()) {
                    a.matmul(b);
                }
            });
            return new Result(key, flops / (t.median() * 1e9), GpuKeys.TFLOPS, path + "; " + t.describe(inner));
        } catch (Exception | OutOfMemoryError e) {
            return Result.missing(key, GpuKeys.TFLOPS, GpuKeys.why(e));
        } finally {
            GpuKeys.release(backend);
        }
    }
}

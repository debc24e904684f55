package dev.nabla.samples.bench;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;

import java.util.ArrayList;
import java.util.List;

/**
 * conv2d forward + backward of the CNN's two layers at batch 128, as in training: layer 1 reads the images
 * (no input gradient), layer 2 also propagates the gradient to its input. Weight and bias gradients are
 * computed in both. The upstream gradient is a fixed random tensor.
 */
final class ConvBench {
    private ConvBench() {}

    static List<Result> run(int threads, int warmup, int repeats) throws Exception {
        List<Result> out = new ArrayList<>();
        out.add(one(1, new int[]{128, 1, 28, 28}, 32, false, threads, warmup, repeats));
        out.add(one(2, new int[]{128, 32, 14, 14}, 64, true, threads, warmup, repeats));
        return out;
    }

    private static Result one(int layer, int[] xDims, int cOut, boolean inputGrad, int threads, int warmup, int repeats) {
        String key = BenchKeys.conv(layer, threads);
        try {
            Tensor x = Tensor.randn(Shape.of(xDims), 1).requiresGrad(inputGrad);
            Tensor w = Tensor.randn(Shape.of(cOut, xDims[1], 3, 3), 2).requiresGrad(true);
            Tensor b = Tensor.zeros(Shape.of(cOut), DType.FLOAT32).requiresGrad(true);
            Tensor gy = Tensor.randn(Shape.of(xDims[0], cOut, xDims[2], xDims[3]), 3);
            double[] ms = Timing.measure(key, warmup, repeats, () -> {
                try (Scope s = Scope.open()) {
                    Tensor y = F.conv2d(x, w, b, 1, 1);
                    y.backward(gy);
                }
                x.zeroGrad();
                w.zeroGrad();
                b.zeroGrad();
            });
            return new Result(key, Timing.median(ms), "ms", "median of " + ms.length + " after " + warmup + " warm-up");
        } catch (Exception e) {
            return Result.missing(key, "ms", String.valueOf(e.getMessage()));
        }
    }
}

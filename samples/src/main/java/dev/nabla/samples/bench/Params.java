package dev.nabla.samples.bench;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;

import java.util.ArrayList;
import java.util.List;

/** Parameters of the raw-tensor models: PyTorch-style uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)) initialisation. */
final class Params {
    final List<Tensor> all = new ArrayList<>();
    private final Generator gen;

    Params(long seed) { this.gen = new Generator(seed); }

    Tensor uniform(double fanIn, int... dims) {
        double a = 1 / Math.sqrt(fanIn);
        Tensor t = Tensor.uniform(Shape.of(dims), -a, a, DType.FLOAT32, Tensor.defaultDevice(), gen);
        return add(t);
    }

    Tensor normal(double std, int... dims) {
        return add(Tensor.normal(Shape.of(dims), 0, std, DType.FLOAT32, Tensor.defaultDevice(), gen));
    }

    Tensor constant(double value, int... dims) {
        return add(Tensor.full(Shape.of(dims), value, DType.FLOAT32, Tensor.defaultDevice()));
    }

    private Tensor add(Tensor t) {
        Scope.detach(t).requiresGrad(true);
        all.add(t);
        return t;
    }

    /** x [.., in] W^T + b for W [out, in] (PyTorch's Linear layout). */
    static Tensor linear(Tensor x, Tensor w, Tensor b) {
        return dev.nabla.runtime.nn.F.linear(x, w, b);
    }
}

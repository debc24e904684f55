package dev.nabla.samples.bench;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.BinaryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam / AdamW written with Nabla tensor ops, the same sequence of in-place passes as PyTorch 1.13's
 * single-tensor (non-foreach) CPU Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr/bc1 * m / (sqrt(v/bc2) + eps), and for AdamW first p *= 1 - lr*wd. Used until the trainers'
 * optimisers are in; the benchmark then measures those instead.
 */
final class RawAdam {
    private final List<Tensor> params;
    private final List<Tensor> m = new ArrayList<>();
    private final List<Tensor> v = new ArrayList<>();
    private final double lr, b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay;
    private int step;

    RawAdam(List<Tensor> params, double lr, double weightDecay) {
        this.params = params;
        this.lr = lr;
        this.weightDecay = weightDecay;
        for (Tensor p : params) {
            m.add(Scope.detach(Tensor.zeros(p.shape(), DType.FLOAT32)));
            v.add(Scope.detach(Tensor.zeros(p.shape(), DType.FLOAT32)));
        }
    }

    void step() {
        step++;
        double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
        try (Autograd.NoGrad ng = Autograd.noGrad(); Scope s = Scope.open()) {
            Tensor sb1 = scalar(b1), sb2 = scalar(b2), decay = scalar(1 - lr * weightDecay);
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i), g = p.grad();
                if (g == null) continue;
                if (weightDecay != 0) p.applyInPlace(BinaryOp.MUL, decay);
                m.get(i).applyInPlace(BinaryOp.MUL, sb1).applyInPlace(BinaryOp.ADD, g.mul(1 - b1));
                v.get(i).applyInPlace(BinaryOp.MUL, sb2).applyInPlace(BinaryOp.ADD, g.square().mul(1 - b2));
                Tensor denom = v.get(i).mul(1 / bc2).sqrt().add(eps);
                p.applyInPlace(BinaryOp.SUB, m.get(i).mul(lr / bc1).div(denom));
            }
        }
    }

    void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    private static Tensor scalar(double value) { return Tensor.full(Shape.scalar(), value, DType.FLOAT32, Tensor.defaultDevice()); }
}

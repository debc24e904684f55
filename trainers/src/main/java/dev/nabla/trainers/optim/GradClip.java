package dev.nabla.trainers.optim;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.BinaryOp;

import java.util.List;

/**
 * Gradient clipping, in place on the parameters' gradients, with tensor ops (the norm never leaves the device
 * until it is returned). As {@code torch.nn.utils.clip_grad_norm_} / {@code clip_grad_value_}.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = GradClip.byNorm(model.parameters(), 1.0);   // total 2-norm before clipping
 * optimizer.step();
 * }</pre>
 */
public final class GradClip {
    private GradClip() {}

    /** {@link #byNorm(List, double, double)} with the 2-norm. */
    public static double byNorm(List<Tensor> params, double maxNorm) { return byNorm(params, maxNorm, 2.0); }

    /**
     * Scales every gradient by {@code min(1, maxNorm / (total + 1e-6))} where {@code total} is the
     * {@code normType}-norm of all gradients taken together ({@code Double.POSITIVE_INFINITY} for the max norm).
     * Parameters without a gradient are skipped.
     *
     * @return the total norm before clipping (0 when no parameter has a gradient)
     */
    public static double byNorm(List<Tensor> params, double maxNorm, double normType) {
        if (!(maxNorm > 0)) throw new InvalidArgumentException("GradClip.byNorm: max norm must be > 0, got " + maxNorm);
        if (!(normType > 0)) throw new InvalidArgumentException("GradClip.byNorm: norm type must be > 0 or +infinity, got " + normType);
        boolean inf = Double.isInfinite(normType);
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope scope = Scope.open()) {
            Tensor total = null;
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                Tensor part = inf ? g.abs().max() : normType == 2 ? g.mul(g).sum() : g.abs().pow(normType).sum();
                if (part.dtype() != DType.FLOAT64) part = part.to(DType.FLOAT64);
                total = total == null ? part : inf ? total.maximum(part) : total.add(part);
            }
            if (total == null) return 0;
            if (!inf) total = normType == 2 ? total.sqrt() : total.pow(1 / normType);
            Tensor coef = total.add(1e-6).reciprocal().mul(maxNorm).minimum(1.0);
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                g.applyInPlace(BinaryOp.MUL, coef.dtype() == g.dtype() && coef.device().equals(g.device()) ? coef : coef.to(g.dtype()).to(g.device()));
            }
            return total.item();
        }
    }

    /** Clamps every gradient element into {@code [-clipValue, clipValue]}. */
    public static void byValue(List<Tensor> params, double clipValue) {
        if (!(clipValue > 0)) throw new InvalidArgumentException("GradClip.byValue: clip value must be > 0, got " + clipValue);
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope scope = Scope.open()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) g.copyFrom(g.clamp(-clipValue, clipValue));
            }
        }
    }
}

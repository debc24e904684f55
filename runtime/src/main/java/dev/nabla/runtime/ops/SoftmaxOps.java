package dev.nabla.runtime.ops;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;

/**
 * Softmax and log-softmax over one axis. The forward and the first-order backward are fused kernels that
 * work from the forward output y; under createGraph (double backward) the backward is written with
 * differentiable tensor ops so that it can itself be differentiated.
 *
 * <pre>{@code
 * Tensor p = logits.softmax(-1);       // rows sum to 1
 * Tensor lp = logits.logSoftmax(1);    // stable log-probabilities over axis 1
 * }</pre>
 */
public final class SoftmaxOps {
    private SoftmaxOps() {}

    public static Tensor softmax(Tensor x, int axis) { return apply(x, axis, false); }

    public static Tensor logSoftmax(Tensor x, int axis) { return apply(x, axis, true); }

    private static Tensor apply(Tensor x, int axis, boolean log) {
        String name = log ? "log_softmax" : "softmax";
        Checks.open(name, x);
        Checks.floating(name, x);
        int a = normaliseAxis(name, x.shape(), axis);
        Backend be = x.backend();
        Shape shape = x.shape();
        Tensor out = Tensor.wrap(be, be.softmax().softmax(x.buffer(), shape, a, log), shape);
        return Autograd.record(out, name, new Tensor[]{x}, g -> new Tensor[]{backward(out, g, a, log)});
    }

    /** A rank-0 tensor is softmaxed as a single element (axis 0 or -1), as PyTorch allows. */
    private static int normaliseAxis(String op, Shape shape, int axis) {
        if (shape.rank() == 0) {
            if (axis != 0 && axis != -1) {
                throw new ShapeMismatchException(op + ": axis " + axis + " is out of range for a scalar (shape []); "
                        + "expected 0 or -1");
            }
            return 0;
        }
        return shape.axis(axis, op);
    }

    private static Tensor backward(Tensor y, Tensor g, int axis, boolean log) {
        if (!Autograd.isGradEnabled()) {
            Backend be = y.backend();
            return Tensor.wrap(be, be.softmax().softmaxBackward(y.buffer(), g.buffer(), y.shape(), axis, log), y.shape());
        }
        if (y.rank() == 0) return g.mul(0.0); // one element: softmax is 1 and log-softmax 0, whatever x
        int[] axes = {axis};
        if (log) return g.sub(y.exp().mul(g.sum(axes, true)));
        return y.mul(g.sub(g.mul(y).sum(axes, true)));
    }
}

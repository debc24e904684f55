package dev.nabla.runtime.ops;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.ArgReduceOp;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.ReduceOp;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Reductions and their backward rules. The kernel always produces the keep-dim layout; the squeezed result
 * is the same buffer under another shape. Backward rules broadcast the (keep-dim shaped) gradient back
 * with the broadcasting elementwise kernels, so no copy kernel is needed. Without createGraph the rules
 * run inside a scope that frees their temporaries; with it they are differentiable tensor ops.
 */
public final class ReduceOps {
    private ReduceOps() {}

    /** Reduces over {@code axes} (null or empty: all axes); {@code keepDim} keeps the reduced dims with size 1. */
    public static Tensor reduce(ReduceOp op, Tensor x, int[] axes, boolean keepDim) {
        String name = op.name().toLowerCase();
        Checks.open(name, x);
        if (op == ReduceOp.MEAN || op == ReduceOp.LOGSUMEXP) Checks.floating(name, x);
        int[] ax = Checks.axes(name, x.shape(), axes);
        Shape keep = keepShape(x.shape(), ax);
        return reduceTo(op, name, x, ax, keep, keepDim ? keep : squeezedShape(x.shape(), ax));
    }

    /** INT64 index of the max/min along one axis (the first on ties; a NaN wins); not differentiable. */
    public static Tensor argReduce(ArgReduceOp op, Tensor x, int axis, boolean keepDim) {
        String name = op.name().toLowerCase();
        Checks.open(name, x);
        int a = x.shape().axis(axis, name);
        if (x.shape().dim(a) == 0) {
            throw new InvalidArgumentException(name + ": cannot take the index over axis " + axis
                    + " of size 0 in shape " + x.shape());
        }
        Shape keep = x.shape().with(a, 1);
        Shape out = keepDim ? keep : squeezedShape(x.shape(), new int[]{a});
        Backend be = x.backend();
        return Tensor.wrap(be, be.reduce().argReduce(op, x.buffer(), x.shape(), a), out);
    }

    /**
     * Variance over {@code axes}: the mean of squared deviations, divided by N - 1 when {@code unbiased}
     * (PyTorch's default) instead of N. Built from differentiable ops, so it has gradients of any order.
     */
    public static Tensor variance(Tensor x, int[] axes, boolean unbiased, boolean keepDim) {
        Checks.open("var", x);
        Checks.floating("var", x);
        int[] ax = Checks.axes("var", x.shape(), axes);
        double n = reducedCount(x.shape(), ax);
        Tensor mean = reduce(ReduceOp.MEAN, x, ax, true);
        Tensor sq = x.sub(mean).square();
        Tensor sum = reduce(ReduceOp.SUM, sq, ax, keepDim);
        // N - 1 = 0 gives inf / NaN, as in PyTorch.
        return sum.div(unbiased ? n - 1.0 : n);
    }

    /**
     * Sums a broadcast gradient back down to {@code target} (the input's shape before broadcasting): over the
     * leading dims that broadcasting added and over the dims where target has size 1.
     */
    public static Tensor sumToShape(Tensor g, Shape target) {
        Checks.open("sum_to_shape", g);
        Shape s = g.shape();
        if (s.equals(target)) return g;
        int r = s.rank(), off = r - target.rank();
        if (off < 0) {
            throw new ShapeMismatchException("sum_to_shape: gradient " + s + " has fewer dims than the target " + target);
        }
        int[] axes = new int[r];
        int n = 0;
        for (int i = 0; i < r; i++) {
            int want = i < off ? 1 : target.dim(i - off);
            if (i < off || (want == 1 && s.dim(i) != 1)) axes[n++] = i;
            else if (want != s.dim(i)) {
                throw new ShapeMismatchException("sum_to_shape: gradient " + s + " does not broadcast from the target " + target);
            }
        }
        if (n == 0) return view(g, target); // only leading size-1 dims differ
        int[] ax = Arrays.copyOf(axes, n);
        return reduceTo(ReduceOp.SUM, "sum", g, ax, keepShape(s, ax), target);
    }

    // ---------------------------------------------------------------- internals

    private static Tensor reduceTo(ReduceOp op, String name, Tensor x, int[] ax, Shape keep, Shape out) {
        boolean emptyReduction = false;
        for (int a : ax) emptyReduction |= x.shape().dim(a) == 0;
        if (emptyReduction && keep.numel() > 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN)) {
            throw new InvalidArgumentException(name + ": cannot reduce over an axis of size 0 in shape " + x.shape()
                    + " (axes " + Arrays.toString(ax) + "); " + name + " of no elements is undefined");
        }
        Backend be = x.backend();
        Tensor y = Tensor.wrap(be, be.reduce().reduce(op, x.buffer(), x.shape(), ax), out);
        return Autograd.record(y, name, new Tensor[]{x}, g -> new Tensor[]{backward(op, x, y, g, ax, keep)});
    }

    private static Tensor backward(ReduceOp op, Tensor x, Tensor y, Tensor g, int[] ax, Shape keep) {
        if (Autograd.isGradEnabled()) return rule(op, x, y, view(g, keep), ax, keep);
        if (op == ReduceOp.SUM || op == ReduceOp.MEAN) {
            // One fused kernel: broadcast g over the reduced dims, times 1 (sum) or 1/N (mean).
            double scale = op == ReduceOp.MEAN ? 1.0 / reducedCount(x.shape(), ax) : 1.0;
            return broadcastScaled(g, keep, x.shape(), scale);
        }
        return scoped(() -> rule(op, x, y, g.viewAs(keep), ax, keep));
    }

    /** The backward rules as tensor ops on the keep-dim shaped gradient {@code gk}. */
    private static Tensor rule(ReduceOp op, Tensor x, Tensor y, Tensor gk, int[] ax, Shape keep) {
        return switch (op) {
            case SUM -> gk.mul(Tensor.onesLike(x));
            case MEAN -> gk.mul(Tensor.fullLike(x, 1.0 / reducedCount(x.shape(), ax)));
            case MAX, MIN -> {
                // Split evenly among the elements equal to the extreme (PyTorch's amax / amin).
                Tensor mask = x.eq(keepView(y, keep));
                Tensor count = reduce(ReduceOp.SUM, mask, ax, true);
                yield mask.mul(gk.div(count));
            }
            case LOGSUMEXP -> {
                // With createGraph the rule recomputes lse from x, so the new graph does not lean on y's node
                // (which a backward without retainGraph has already freed).
                Tensor lse = Autograd.isGradEnabled() ? reduce(ReduceOp.LOGSUMEXP, x, ax, true) : keepView(y, keep);
                yield x.sub(lse).exp().mul(gk);
            }
            case PROD -> prodRule(x, gk, ax);
        };
    }

    /**
     * d prod / d x_i = prod of the others. Without zeros in the slice that is prod / x_i; with exactly one zero
     * it is the product of the non-zeros at the zero and 0 elsewhere; with two or more zeros it is 0 everywhere.
     */
    private static Tensor prodRule(Tensor x, Tensor gk, int[] ax) {
        Tensor zero = x.eq(0.0);
        Tensor zeros = reduce(ReduceOp.SUM, zero, ax, true);
        Tensor safe = Tensor.where(zero, Tensor.onesLike(x), x);
        Tensor nonZeroProd = reduce(ReduceOp.PROD, safe, ax, true);
        Tensor atZero = zeros.eq(1.0).mul(nonZeroProd);
        Tensor elsewhere = zeros.eq(0.0).mul(nonZeroProd).div(safe);
        return Tensor.where(zero, atZero, elsewhere).mul(gk);
    }

    /** out = g (shaped {@code from}) broadcast to {@code to}, times {@code scale}, in one kernel. */
    private static Tensor broadcastScaled(Tensor g, Shape from, Shape to, double scale) {
        Backend be = g.backend();
        Buffer s = be.full(g.dtype(), 1, scale);
        try {
            return Tensor.wrap(be, be.elementwise().binary(BinaryOp.MUL, g.buffer(), from, s, Shape.scalar(), to), to);
        } finally {
            be.release(s);
        }
    }

    /** Runs {@code body} in a scope that closes its temporaries, keeping only the result. */
    private static Tensor scoped(Supplier<Tensor> body) {
        try (Scope scope = Scope.open()) {
            return scope.keep(body.get());
        }
    }

    /** The forward result, outside the graph, in the keep-dim layout. */
    private static Tensor keepView(Tensor y, Shape keep) {
        return y.shape().equals(keep) ? y.detach() : y.viewAs(keep);
    }

    /** A differentiable view with another shape of the same numel (shares the buffer). */
    static Tensor view(Tensor t, Shape shape) {
        if (t.shape().equals(shape)) return t;
        Tensor v = t.viewAs(shape);
        Shape from = t.shape();
        return Autograd.record(v, "view", new Tensor[]{t}, g -> new Tensor[]{view(g, from)});
    }

    private static double reducedCount(Shape s, int[] axes) {
        long n = 1;
        for (int a : axes) n *= s.dim(a);
        return n;
    }

    static Shape keepShape(Shape s, int[] axes) {
        int[] d = s.dims();
        for (int a : axes) d[a] = 1;
        return Shape.of(d);
    }

    static Shape squeezedShape(Shape s, int[] axes) {
        int[] d = s.dims();
        boolean[] drop = new boolean[d.length];
        for (int a : axes) drop[a] = true;
        int[] out = new int[d.length - axes.length];
        int n = 0;
        for (int i = 0; i < d.length; i++) if (!drop[i]) out[n++] = d[i];
        return Shape.of(out);
    }
}

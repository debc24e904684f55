package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Pool2dSpec;
import dev.nabla.runtime.backend.PoolResult;
import dev.nabla.runtime.ops.Checks;

import java.util.Arrays;

/**
 * 2-D max and average pooling over NCHW input, with PyTorch's semantics (floor output size, padding at most
 * half the kernel, max ignores padding, avg counts it in the divisor only with {@code countIncludePad}).
 *
 * <pre>{@code
 * Tensor y = PoolOps.maxPool2d(x, new int[]{2, 2}, null, null);   // stride defaults to the kernel
 * }</pre>
 */
public final class PoolOps {
    private PoolOps() {}

    /** kernel/stride/padding are {h, w} pairs or single values; stride null means the kernel, padding null means 0. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding) {
        String op = "max_pool2d";
        Pool2dSpec spec = validate(op, x, kernel, stride, padding, false);
        Backend be = x.backend();
        PoolResult r = be.pool().maxPool2d(x.buffer(), spec);
        Shape outShape = Shape.of(spec.n(), spec.c(), spec.outH(), spec.outW());
        Tensor y = Tensor.wrap(be, r.out(), outShape);
        Tensor argmax = Tensor.wrap(be, r.argmax(), outShape);
        if (!Autograd.needsGrad(x)) {
            argmax.close();
            return y;
        }
        return Autograd.record(y, op, new Tensor[]{x}, g -> new Tensor[]{maxBackward(g, argmax, spec)});
    }

    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        String op = "avg_pool2d";
        return avgForward(x, validate(op, x, kernel, stride, padding, countIncludePad));
    }

    private static Tensor avgForward(Tensor x, Pool2dSpec spec) {
        Backend be = x.backend();
        Tensor y = Tensor.wrap(be, be.pool().avgPool2d(x.buffer(), spec), Shape.of(spec.n(), spec.c(), spec.outH(), spec.outW()));
        return Autograd.record(y, "avg_pool2d", new Tensor[]{x}, g -> new Tensor[]{avgBackward(g, spec)});
    }

    /** Scatters g to the argmax positions; as a function of g its gradient gathers at the same positions. */
    private static Tensor maxBackward(Tensor g, Tensor argmax, Pool2dSpec spec) {
        Backend be = g.backend();
        Tensor dx = Tensor.wrap(be, be.pool().maxPool2dBackward(g.buffer(), argmax.buffer(), spec),
                Shape.of(spec.n(), spec.c(), spec.h(), spec.w()));
        return Autograd.record(dx, "max_pool2d_backward", new Tensor[]{g}, gg -> {
            int planes = spec.n() * spec.c();
            Tensor idx = argmax.reshape(planes, spec.outH() * spec.outW()).to(DType.INT64);
            Tensor picked = gg.reshape(planes, spec.h() * spec.w()).gather(1, idx);
            return new Tensor[]{picked.reshape(spec.n(), spec.c(), spec.outH(), spec.outW())};
        });
    }

    /** Spreads g over each window; being linear, its gradient is avg_pool2d itself. */
    private static Tensor avgBackward(Tensor g, Pool2dSpec spec) {
        Backend be = g.backend();
        Tensor dx = Tensor.wrap(be, be.pool().avgPool2dBackward(g.buffer(), spec), Shape.of(spec.n(), spec.c(), spec.h(), spec.w()));
        return Autograd.record(dx, "avg_pool2d_backward", new Tensor[]{g}, gg -> new Tensor[]{avgForward(gg, spec)});
    }

    private static Pool2dSpec validate(String op, Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        Checks.open(op, x);
        Checks.rank(op, x, 4, "[n, c, h, w] (NCHW)");
        Checks.floating(op, x);
        if (kernel == null) throw new InvalidArgumentException(op + ": kernel size is required, got null");
        int[] k = pair(op, "kernel", kernel, 0);
        int[] s = stride == null || stride.length == 0 ? k.clone() : pair(op, "stride", stride, 1);
        int[] p = pair(op, "padding", padding, 0);
        Checks.positive(op, "kernel", k);
        Checks.positive(op, "stride", s);
        Checks.nonNegative(op, "padding", p);
        if (p[0] > k[0] / 2 || p[1] > k[1] / 2) {
            throw new InvalidArgumentException(op + ": padding " + Arrays.toString(p) + " must be at most half the kernel "
                    + Arrays.toString(k) + " for input " + x.shape());
        }
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        if (k[0] > h + 2 * p[0] || k[1] > w + 2 * p[1]) {
            throw new ShapeMismatchException(op + ": kernel " + Arrays.toString(k) + " is larger than the padded input "
                    + (h + 2 * p[0]) + "x" + (w + 2 * p[1]) + " (input " + x.shape() + ", padding " + Arrays.toString(p) + ")");
        }
        return new Pool2dSpec(n, c, h, w, k[0], k[1], s[0], s[1], p[0], p[1], countIncludePad);
    }

    private static int[] pair(String op, String what, int[] v, int dflt) {
        if (v == null || v.length == 0) return new int[]{dflt, dflt};
        if (v.length == 1) return new int[]{v[0], v[0]};
        if (v.length != 2) {
            throw new InvalidArgumentException(op + ": " + what + " must be {h, w} or a single value, got " + Arrays.toString(v));
        }
        return v.clone();
    }
}

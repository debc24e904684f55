package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.Conv2dSpec;
import dev.nabla.runtime.backend.ReduceOp;
import dev.nabla.runtime.ops.Checks;

import java.util.Arrays;

/**
 * conv2d (stride, padding, dilation, groups, bias) with both backward passes.
 *
 * <p>The forward and its two backward passes are each linear in both arguments, and each one's
 * vector-Jacobian products are the other two: so every pass is recorded as a differentiable op, and a
 * backward with {@code createGraph} (double backward, Hessian-vector products) works through conv layers.
 *
 * <pre>{@code
 * Tensor y = ConvOps.conv2d(x, w, b, new int[]{1, 1}, new int[]{1, 1}, new int[]{1, 1}, 1);  // 3x3 "same"
 * }</pre>
 */
public final class ConvOps {
    private static final String OP = "conv2d";

    private ConvOps() {}

    /**
     * x [n, cIn, h, w], weight [cOut, cIn/groups, kh, kw], bias [cOut] or null; stride/padding/dilation are
     * {h, w} pairs (a single value applies to both; null means 1, 0, 1).
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        Conv2dSpec spec = validate(x, weight, bias, stride, padding, dilation, groups);
        return forward(x, weight, bias, spec);
    }

    /** Checks every argument before anything is allocated and returns the spec the kernels take. */
    static Conv2dSpec validate(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        Checks.open(OP, x, weight);
        if (bias != null) Checks.open(OP, bias);
        Checks.rank(OP, x, 4, "[n, cIn, h, w] (NCHW) as input");
        Checks.rank(OP, weight, 4, "[cOut, cIn/groups, kh, kw] as weight");
        Checks.floating(OP, x);
        Checks.sameDevice(OP, x, weight);
        Checks.sameDType(OP, x, weight);
        int[] s = pair("stride", stride, 1), p = pair("padding", padding, 0), d = pair("dilation", dilation, 1);
        Checks.positive(OP, "stride", s);
        Checks.nonNegative(OP, "padding", p);
        Checks.positive(OP, "dilation", d);
        Checks.positive(OP, "groups", groups);
        int n = x.dim(0), cIn = x.dim(1), h = x.dim(2), w = x.dim(3);
        int cOut = weight.dim(0), kh = weight.dim(2), kw = weight.dim(3);
        String shapes = "input " + x.shape() + ", weight " + weight.shape() + (bias == null ? "" : ", bias " + bias.shape());
        if (cIn % groups != 0 || cOut % groups != 0) {
            throw new ShapeMismatchException(OP + ": groups=" + groups + " must divide both input channels " + cIn
                    + " and output channels " + cOut + " (" + shapes + ")");
        }
        if (weight.dim(1) != cIn / groups) {
            throw new ShapeMismatchException(OP + ": weight.dim(1) must be input channels / groups = " + cIn + "/" + groups
                    + " = " + cIn / groups + ", got " + weight.dim(1) + " (" + shapes + ")");
        }
        if (bias != null) {
            Checks.sameDevice(OP, x, bias);
            Checks.sameDType(OP, x, bias);
            if (bias.rank() != 1 || bias.dim(0) != cOut) {
                throw new ShapeMismatchException(OP + ": bias must have shape [" + cOut + "] (one per output channel), got "
                        + bias.shape() + " (" + shapes + ")");
            }
        }
        long effH = (long) d[0] * (kh - 1) + 1, effW = (long) d[1] * (kw - 1) + 1;
        if (kh <= 0 || kw <= 0 || effH > h + 2L * p[0] || effW > w + 2L * p[1]) {
            throw new ShapeMismatchException(OP + ": the kernel (" + effH + "x" + effW + " after dilation " + Arrays.toString(d)
                    + ") is larger than the padded input (" + (h + 2L * p[0]) + "x" + (w + 2L * p[1]) + " with padding "
                    + Arrays.toString(p) + ") (" + shapes + ")");
        }
        return new Conv2dSpec(n, cIn, h, w, cOut, kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], groups);
    }

    /** Accepts {h, w}, a single value for both, or null for the default. */
    static int[] pair(String what, int[] v, int dflt) {
        if (v == null) return new int[]{dflt, dflt};
        if (v.length == 1) return new int[]{v[0], v[0]};
        if (v.length != 2) {
            throw new InvalidArgumentException(OP + ": " + what + " must be {h, w} or a single value, got " + Arrays.toString(v));
        }
        return v.clone();
    }

    /** y = conv(x, w) + bias, recorded. */
    private static Tensor forward(Tensor x, Tensor weight, Tensor bias, Conv2dSpec spec) {
        Backend be = x.backend();
        Shape outShape = Shape.of(spec.n(), spec.cOut(), spec.outH(), spec.outW());
        Tensor y = Tensor.wrap(be, be.conv().conv2d(x.buffer(), weight.buffer(), bias == null ? null : bias.buffer(), spec), outShape);
        Tensor[] inputs = bias == null ? new Tensor[]{x, weight} : new Tensor[]{x, weight, bias};
        return Autograd.record(y, OP, inputs, g -> {
            Tensor gx = x.requiresGrad() ? backwardInput(g, weight, spec) : null;
            if (bias != null && bias.requiresGrad() && weight.requiresGrad() && !Autograd.isGradEnabled()) {
                Tensor[] wb = weightAndBiasGrad(x, g, spec);
                return new Tensor[]{gx, wb[0], wb[1]};
            }
            Tensor gw = weight.requiresGrad() ? backwardWeight(x, g, spec) : null;
            if (bias == null) return new Tensor[]{gx, gw};
            return new Tensor[]{gx, gw, bias.requiresGrad() ? biasGrad(g, spec) : null};
        });
    }

    /** dx = conv2d_backward_input(dy, w); its own gradients are conv2d(G, w) and backward_weight(G, dy). */
    private static Tensor backwardInput(Tensor dy, Tensor weight, Conv2dSpec spec) {
        Backend be = dy.backend();
        Tensor dx = Tensor.wrap(be, be.conv().conv2dBackwardInput(dy.buffer(), weight.buffer(), spec),
                Shape.of(spec.n(), spec.cIn(), spec.h(), spec.w()));
        return Autograd.record(dx, "conv2d_backward_input", new Tensor[]{dy, weight}, gg -> new Tensor[]{
                dy.requiresGrad() ? forward(gg, weight, null, spec) : null,
                weight.requiresGrad() ? backwardWeight(gg, dy, spec) : null});
    }

    /** dw = conv2d_backward_weight(x, dy); its own gradients are backward_input(dy, G) and conv2d(x, G). */
    private static Tensor backwardWeight(Tensor x, Tensor dy, Conv2dSpec spec) {
        Backend be = x.backend();
        Tensor dw = Tensor.wrap(be, be.conv().conv2dBackwardWeight(x.buffer(), dy.buffer(), spec),
                Shape.of(spec.cOut(), spec.cIn() / spec.groups(), spec.kh(), spec.kw()));
        return Autograd.record(dw, "conv2d_backward_weight", new Tensor[]{x, dy}, gg -> new Tensor[]{
                x.requiresGrad() ? backwardInput(dy, gg, spec) : null,
                dy.requiresGrad() ? forward(x, gg, null, spec) : null});
    }

    /**
     * dw and dBias of a backward that builds no graph: one backend call, which may sum dy for the bias in its pass
     * over dy (else the bias takes its own reduction).
     */
    private static Tensor[] weightAndBiasGrad(Tensor x, Tensor g, Conv2dSpec spec) {
        Backend be = x.backend();
        Buffer[] wb = be.conv().conv2dBackwardWeightAndBias(x.buffer(), g.buffer(), spec);
        Tensor gw = Tensor.wrap(be, wb[0], Shape.of(spec.cOut(), spec.cIn() / spec.groups(), spec.kh(), spec.kw()));
        Tensor gb = wb[1] != null ? Tensor.wrap(be, wb[1], Shape.of(spec.cOut())) : biasGrad(g, spec);
        return new Tensor[]{gw, gb};
    }

    /** dBias = sum of g over (n, h, w): one backend reduction, or a differentiable sum when building a graph. */
    private static Tensor biasGrad(Tensor g, Conv2dSpec spec) {
        int[] axes = {0, 2, 3};
        if (Autograd.isGradEnabled()) return g.sum(axes, false);
        Backend be = g.backend();
        return Tensor.wrap(be, be.reduce().reduce(ReduceOp.SUM, g.buffer(), g.shape(), axes), Shape.of(spec.cOut()));
    }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Buffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that write tensors into a larger one: pad, concat, stack. Reached through {@link ShapeOps}. */
final class JoinOps {
    private JoinOps() {}

    /**
     * Pads with {@code value}; {@code pads} holds (before, after) pairs from the last dim backwards, as
     * torch.nn.functional.pad. A negative pad crops, as in PyTorch. Backward: pad(g, -pads), which crops
     * what was padded and zero-fills what was cropped.
     */
    static Tensor pad(Tensor x, int[] pads, double value) {
        Checks.open("pad", x);
        int r = x.rank();
        if (pads == null || pads.length % 2 != 0 || pads.length / 2 > r) {
            throw new ShapeMismatchException("pad: expected an even number of pads, at most 2 per dim, got "
                    + (pads == null ? "null" : Arrays.toString(pads)) + " for shape " + x.shape());
        }
        if (Double.isNaN(value) && !x.dtype().isFloating()) {
            throw new InvalidArgumentException("pad: NaN cannot fill a " + x.dtype() + " tensor of shape " + x.shape());
        }
        int[] d = x.dims();
        int[] before = new int[r], after = new int[r], out = d.clone();
        for (int p = 0; p < pads.length / 2; p++) {
            int a = r - 1 - p;
            before[a] = pads[2 * p];
            after[a] = pads[2 * p + 1];
            long n = (long) d[a] + before[a] + after[a];
            long kept = (long) d[a] + Math.min(0, before[a]) + Math.min(0, after[a]);
            if (n < 0 || kept < 0) {
                throw new ShapeMismatchException("pad: pads " + Arrays.toString(pads) + " crop more than dim " + a
                        + " of size " + d[a] + " in shape " + x.shape());
            }
            out[a] = (int) n;
        }
        Shape outShape = Shape.of(out);
        int[] neg = new int[pads.length];
        for (int i = 0; i < pads.length; i++) neg[i] = -pads[i];
        boolean crops = false;
        for (int a = 0; a < r; a++) crops |= before[a] < 0 || after[a] < 0;
        if (!crops) { // the backend writes each element once (on the CPU; elsewhere a fill and a strided write)
            Backend be = x.backend();
            Tensor y = Tensor.wrap(be, be.pad(x.buffer(), x.shape(), before, after, value), outShape);
            return Autograd.record(y, "pad", new Tensor[]{x}, g -> new Tensor[]{pad(g, neg, 0.0)});
        }
        Tensor y = Tensor.full(outShape, value, x.dtype(), x.device());
        int[] kept = new int[r];
        long srcOff = 0, dstOff = 0;
        long[] xs = x.shape().strides(), os = outShape.strides();
        boolean cropped = false;
        for (int a = 0; a < r; a++) {
            kept[a] = d[a] + Math.min(0, before[a]) + Math.min(0, after[a]);
            srcOff += Math.max(0, -before[a]) * xs[a];
            dstOff += Math.max(0, before[a]) * os[a];
            cropped |= kept[a] != d[a];
        }
        Shape keptShape = Shape.of(kept);
        if (keptShape.numel() > 0) {
            Backend be = x.backend();
            Buffer src = cropped ? be.copies().stridedCopy(x.buffer(), srcOff, xs, keptShape) : x.buffer();
            try {
                be.copies().stridedWrite(y.buffer(), dstOff, os, src, keptShape);
            } finally {
                if (cropped) be.release(src);
            }
        }
        return Autograd.record(y, "pad", new Tensor[]{x}, g -> new Tensor[]{pad(g, neg, 0.0)});
    }

    /** Joins tensors of equal rank along axis; every other dim must match. */
    static Tensor concat(List<Tensor> tensors, int axis) {
        if (tensors == null || tensors.isEmpty()) throw new InvalidArgumentException("concat: expected at least one tensor");
        Tensor first = tensors.get(0);
        Checks.open("concat", tensors.toArray(new Tensor[0]));
        if (first.rank() == 0) {
            throw new ShapeMismatchException("concat: cannot concatenate 0-D tensors (shape " + first.shape() + "); use stack");
        }
        int a = first.shape().axis(axis, "concat");
        long total = 0;
        for (Tensor t : tensors) {
            Checks.sameDevice("concat", first, t);
            Checks.sameDType("concat", first, t);
            boolean ok = t.rank() == first.rank();
            for (int i = 0; ok && i < t.rank(); i++) ok = i == a || t.dim(i) == first.dim(i);
            if (!ok) {
                throw new ShapeMismatchException("concat: shapes " + shapes(tensors) + " differ outside axis " + axis
                        + " (expected the same rank and equal dims except along the axis)");
            }
            total += t.dim(a);
        }
        if (total > Integer.MAX_VALUE) throw new ShapeMismatchException("concat: axis " + axis + " would have " + total + " elements");
        Shape outShape = first.shape().with(a, (int) total);
        Backend be = first.backend();
        Tensor y = Tensor.wrap(be, be.allocate(first.dtype(), outShape.numel()), outShape);
        long[] os = outShape.strides();
        int[] starts = new int[tensors.size()];
        int off = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            starts[i] = off;
            be.copies().stridedWrite(y.buffer(), off * os[a], os, t.buffer(), t.shape());
            off += t.dim(a);
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Autograd.record(y, "concat", inputs, g -> {
            Tensor[] gs = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i].requiresGrad()) gs[i] = ShapeOps.sliceChecked("narrow", g, a, starts[i], inputs[i].dim(a), 1);
            }
            return gs;
        });
    }

    /** Joins tensors of one shape along a new axis in [-rank-1, rank]. */
    static Tensor stack(List<Tensor> tensors, int axis) {
        if (tensors == null || tensors.isEmpty()) throw new InvalidArgumentException("stack: expected at least one tensor");
        Checks.open("stack", tensors.toArray(new Tensor[0]));
        Tensor first = tensors.get(0);
        for (Tensor t : tensors) {
            if (!t.shape().equals(first.shape())) {
                throw new ShapeMismatchException("stack: expected tensors of one shape, got " + shapes(tensors));
            }
        }
        int r = first.rank();
        if (axis < -r - 1 || axis > r) {
            throw new ShapeMismatchException("stack: axis " + axis + " is out of range for shape " + first.shape()
                    + " (expected " + (-r - 1) + " <= axis <= " + r + ")");
        }
        List<Tensor> parts = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) parts.add(ShapeOps.unsqueeze(t, axis));
        return concat(parts, axis < 0 ? axis + r + 1 : axis);
    }

    private static String shapes(List<Tensor> ts) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : ts) sb.append(sb.length() == 0 ? "" : ", ").append(t.shape()).append(' ').append(t.dtype());
        return "[" + sb + "]";
    }
}

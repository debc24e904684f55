package dev.nabla.runtime.ops;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape ops: views (reshape, flatten, squeeze, unsqueeze share the buffer) and strided copies (permute,
 * transpose, expand, narrow, slice). Pads, concatenation and stacking live in {@link JoinOps}. Every
 * backward rule is written with these same ops, so gradients of gradients work.
 */
public final class ShapeOps {
    private ShapeOps() {}

    // ---------------------------------------------------------------- views

    /** Same buffer, new shape; one dim may be -1 (inferred). */
    public static Tensor reshape(Tensor x, int... dims) {
        Checks.open("reshape", x);
        return view("reshape", x, inferShape("reshape", x.shape(), dims));
    }

    public static Tensor flatten(Tensor x, int startAxis, int endAxis) {
        Checks.open("flatten", x);
        if (x.rank() == 0) return view("flatten", x, Shape.of(1));
        int s = x.shape().axis(startAxis, "flatten"), e = x.shape().axis(endAxis, "flatten");
        if (s > e) {
            throw new ShapeMismatchException("flatten: start axis " + startAxis + " comes after end axis " + endAxis
                    + " for shape " + x.shape());
        }
        int[] d = x.dims();
        int[] out = new int[d.length - (e - s)];
        for (int i = 0; i < s; i++) out[i] = d[i];
        out[s] = (int) x.shape().numel(s, e + 1);
        for (int i = e + 1; i < d.length; i++) out[i - (e - s)] = d[i];
        return view("flatten", x, Shape.of(out));
    }

    /** Drops every size-1 dim. */
    public static Tensor squeeze(Tensor x) {
        Checks.open("squeeze", x);
        return view("squeeze", x, Shape.of(Arrays.stream(x.dims()).filter(d -> d != 1).toArray()));
    }

    /** Drops dim {@code axis} when it has size 1; otherwise returns the tensor unchanged, as PyTorch does. */
    public static Tensor squeeze(Tensor x, int axis) {
        Checks.open("squeeze", x);
        if (x.rank() == 0 && (axis == 0 || axis == -1)) return x;
        int a = x.shape().axis(axis, "squeeze");
        if (x.dim(a) != 1) return x;
        int[] d = x.dims();
        int[] out = new int[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) if (i != a) out[j++] = d[i];
        return view("squeeze", x, Shape.of(out));
    }

    /** Inserts a size-1 dim at {@code axis}, in [-rank-1, rank]. */
    public static Tensor unsqueeze(Tensor x, int axis) {
        Checks.open("unsqueeze", x);
        int r = x.rank();
        int a = axis < 0 ? axis + r + 1 : axis;
        if (a < 0 || a > r) {
            throw new ShapeMismatchException("unsqueeze: axis " + axis + " is out of range for shape " + x.shape()
                    + " (expected " + (-r - 1) + " <= axis <= " + r + ")");
        }
        int[] d = x.dims();
        int[] out = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) out[i] = i == a ? 1 : d[j++];
        return view("unsqueeze", x, Shape.of(out));
    }

    /** A tensor sharing x's buffer with shape {@code s} (same numel), recorded as {@code op}. */
    static Tensor view(String op, Tensor x, Shape s) {
        if (s.numel() != x.numel()) {
            throw new ShapeMismatchException(op + ": cannot view shape " + x.shape() + " (" + x.numel()
                    + " elements) as " + s + " (" + s.numel() + " elements)");
        }
        Tensor out = x.viewAs(s);
        Shape in = x.shape();
        return Autograd.record(out, op, new Tensor[]{x}, g -> new Tensor[]{view(op, g, in)});
    }

    static Shape inferShape(String op, Shape from, int[] dims) {
        if (dims == null) throw new InvalidArgumentException(op + ": dims must not be null");
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (infer >= 0) {
                    throw new ShapeMismatchException(op + ": only one dim may be -1, got " + Arrays.toString(dims)
                            + " for shape " + from);
                }
                infer = i;
            } else if (dims[i] < 0) {
                throw new ShapeMismatchException(op + ": invalid dim " + dims[i] + " in " + Arrays.toString(dims)
                        + " for shape " + from);
            } else {
                known *= dims[i];
            }
        }
        int[] out = dims.clone();
        if (infer >= 0) {
            if (known == 0 || from.numel() % known != 0) {
                throw new ShapeMismatchException(op + ": cannot infer the -1 in " + Arrays.toString(dims)
                        + " for shape " + from + " (" + from.numel() + " elements)");
            }
            out[infer] = (int) (from.numel() / known);
            known *= out[infer];
        }
        if (known != from.numel()) {
            throw new ShapeMismatchException(op + ": cannot reshape " + from + " (" + from.numel() + " elements) to "
                    + Arrays.toString(dims) + " (" + known + " elements)");
        }
        return Shape.of(out);
    }

    // ---------------------------------------------------------------- permutations

    public static Tensor transpose(Tensor x, int axis0, int axis1) {
        Checks.open("transpose", x);
        int a = x.shape().axis(axis0, "transpose"), b = x.shape().axis(axis1, "transpose");
        int[] perm = new int[x.rank()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[a] = b;
        perm[b] = a;
        return permuteChecked("transpose", x, perm);
    }

    /** Reorders dims: dim i of the result is dim {@code perm[i]} of x (negative entries count from the end). */
    public static Tensor permute(Tensor x, int... perm) {
        Checks.open("permute", x);
        if (perm == null || perm.length != x.rank()) {
            throw new ShapeMismatchException("permute: permutation " + Arrays.toString(perm) + " has "
                    + (perm == null ? 0 : perm.length) + " entries for shape " + x.shape() + " of rank " + x.rank());
        }
        int[] p = new int[perm.length];
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int a = perm[i] < 0 ? perm[i] + perm.length : perm[i];
            if (a < 0 || a >= perm.length || seen[a]) {
                throw new ShapeMismatchException("permute: " + Arrays.toString(perm) + " is not a permutation of the "
                        + perm.length + " dims of shape " + x.shape());
            }
            seen[a] = true;
            p[i] = a;
        }
        return permuteChecked("permute", x, p);
    }

    private static Tensor permuteChecked(String op, Tensor x, int[] perm) {
        int[] d = x.dims();
        long[] xs = x.shape().strides();
        int[] od = new int[d.length];
        long[] st = new long[d.length];
        int[] inv = new int[d.length];
        boolean identity = true;
        for (int i = 0; i < d.length; i++) {
            od[i] = d[perm[i]];
            st[i] = xs[perm[i]];
            inv[perm[i]] = i;
            identity &= perm[i] == i;
        }
        Shape outShape = Shape.of(od);
        Backend be = x.backend();
        Tensor out = Tensor.wrap(be, be.copies().stridedCopy(x.buffer(), 0, st, outShape), outShape);
        if (identity) return Autograd.record(out, op, new Tensor[]{x}, g -> new Tensor[]{g});
        return Autograd.record(out, op, new Tensor[]{x}, g -> new Tensor[]{permuteChecked(op, g, inv)});
    }

    // ---------------------------------------------------------------- broadcasting

    /**
     * Broadcasts size-1 dims to {@code dims} (a copy). -1 keeps an existing dim; extra leading dims are
     * added. Backward sums over the expanded dims.
     */
    public static Tensor expand(Tensor x, int... dims) {
        Checks.open("expand", x);
        if (dims == null || dims.length < x.rank()) {
            throw new ShapeMismatchException("expand: target " + Arrays.toString(dims) + " has fewer dims than shape "
                    + x.shape());
        }
        int lead = dims.length - x.rank();
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int own = i < lead ? -2 : x.dim(i - lead);
            int want = dims[i];
            if (want == -1 && own != -2) want = own;
            if (want < 0 || (own != -2 && own != 1 && own != want)) {
                throw new ShapeMismatchException("expand: cannot expand shape " + x.shape() + " to "
                        + Arrays.toString(dims) + " (dim " + i + ": " + (own == -2 ? "new" : own) + " -> " + dims[i]
                        + "; only size-1 dims can grow and new leading dims need a size >= 0)");
            }
            out[i] = want;
        }
        Shape target = Shape.of(out);
        Backend be = x.backend();
        Tensor y = Tensor.wrap(be, be.copies().stridedCopy(x.buffer(), 0, x.shape().broadcastStrides(target), target), target);
        Shape in = x.shape();
        return Autograd.record(y, "expand", new Tensor[]{x}, g -> new Tensor[]{
                g.shape().equals(in) ? g : ReduceOps.sumToShape(g, in)});
    }

    // ---------------------------------------------------------------- slicing

    /** Elements [start, start + length) along axis. */
    public static Tensor narrow(Tensor x, int axis, int start, int length) {
        Checks.open("narrow", x);
        int a = x.shape().axis(axis, "narrow");
        int n = x.dim(a);
        int s = start < 0 ? start + n : start;
        if (s < 0 || s > n || length < 0 || (long) s + length > n) {
            throw new ShapeMismatchException("narrow: start " + start + " and length " + length
                    + " do not fit dim " + axis + " of size " + n + " in shape " + x.shape());
        }
        return sliceChecked("narrow", x, a, s, length, 1);
    }

    /** Elements [start, end) along axis, every {@code step}-th; start/end clamp and count from the end like Python. */
    public static Tensor slice(Tensor x, int axis, int start, int end, int step) {
        Checks.open("slice", x);
        int a = x.shape().axis(axis, "slice");
        if (step <= 0) {
            throw new InvalidArgumentException("slice: step must be > 0, got " + step + " for shape " + x.shape());
        }
        int n = x.dim(a);
        long s = start < 0 ? (long) start + n : start, e = end < 0 ? (long) end + n : end;
        s = Math.max(0, Math.min(n, s));
        e = Math.max(s, Math.min(n, e));
        int len = (int) ((e - s + step - 1) / step);
        return sliceChecked("slice", x, a, (int) s, len, step);
    }

    /** Splits into chunks of {@code size} along axis (the last may be smaller). */
    public static List<Tensor> split(Tensor x, int size, int axis) {
        Checks.open("split", x);
        int a = x.shape().axis(axis, "split");
        if (size <= 0) {
            throw new InvalidArgumentException("split: chunk size must be > 0, got " + size + " for shape " + x.shape());
        }
        List<Tensor> out = new ArrayList<>();
        int n = x.dim(a);
        for (int s = 0; s < n; s += size) out.add(sliceChecked("split", x, a, s, Math.min(size, n - s), 1));
        return out;
    }

    /** Splits into chunks of the given sizes along axis; they must sum to the dim. */
    public static List<Tensor> split(Tensor x, int[] sizes, int axis) {
        Checks.open("split", x);
        int a = x.shape().axis(axis, "split");
        long total = 0;
        for (int s : sizes) {
            if (s < 0) throw new InvalidArgumentException("split: sizes must be >= 0, got " + Arrays.toString(sizes));
            total += s;
        }
        if (total != x.dim(a)) {
            throw new ShapeMismatchException("split: sizes " + Arrays.toString(sizes) + " sum to " + total
                    + " but dim " + axis + " of shape " + x.shape() + " is " + x.dim(a));
        }
        List<Tensor> out = new ArrayList<>();
        int s = 0;
        for (int size : sizes) {
            out.add(sliceChecked("split", x, a, s, size, 1));
            s += size;
        }
        return out;
    }

    /** x[..., start + i*step, ...] for i < len along axis a (already validated). */
    static Tensor sliceChecked(String op, Tensor x, int a, int start, int len, int step) {
        Shape outShape = x.shape().with(a, len);
        long[] st = x.shape().strides();
        long offset = start * st[a];
        st[a] *= step;
        Backend be = x.backend();
        Tensor out = Tensor.wrap(be, be.copies().stridedCopy(x.buffer(), offset, st, outShape), outShape);
        Shape in = x.shape();
        return Autograd.record(out, op, new Tensor[]{x}, g -> new Tensor[]{sliceBackward(g, in, a, start, step)});
    }

    /** Zeros of {@code full} with g placed at start, start+step, ... along axis a: the adjoint of a slice. */
    static Tensor sliceBackward(Tensor g, Shape full, int a, int start, int step) {
        if (step == 1) {
            int[] pads = new int[2 * full.rank()];
            int p = 2 * (full.rank() - 1 - a);
            pads[p] = start;
            pads[p + 1] = full.dim(a) - start - g.dim(a);
            return JoinOps.pad(g, pads, 0.0);
        }
        Backend be = g.backend();
        Tensor out = Tensor.wrap(be, be.allocate(g.dtype(), full.numel()), full);
        long[] st = full.strides();
        long offset = start * st[a];
        st[a] *= step;
        be.copies().stridedWrite(out.buffer(), offset, st, g.buffer(), g.shape());
        int len = g.dim(a);
        return Autograd.record(out, "slice_backward", new Tensor[]{g},
                gg -> new Tensor[]{sliceChecked("slice", gg, a, start, len, step)});
    }

    // ---------------------------------------------------------------- joins (see JoinOps)

    /** Pads with {@code value}; pairs (before, after) from the last dim backwards, as torch.nn.functional.pad. */
    public static Tensor pad(Tensor x, int[] pads, double value) { return JoinOps.pad(x, pads, value); }

    public static Tensor concat(List<Tensor> tensors, int axis) { return JoinOps.concat(tensors, axis); }

    public static Tensor stack(List<Tensor> tensors, int axis) { return JoinOps.stack(tensors, axis); }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;

/**
 * Indexing: gather, index-select, embedding lookup (with index-add backward), one-hot. Index tensors are
 * INT32 or INT64; an index outside the dim throws {@link InvalidArgumentException} naming the op, the
 * value and the dim size. Each gather-like op and its scatter-add adjoint are each other's backward, so
 * gradients of gradients work.
 */
public final class IndexOps {
    private IndexOps() {}

    /** torch.gather: out[i][j][k] = x[index[i][j][k]][j][k] for axis 0, etc.; out has index's shape. */
    public static Tensor gather(Tensor x, int axis, Tensor index) {
        Checks.open("gather", x, index);
        Checks.sameDevice("gather", x, index);
        Checks.integer("gather", index);
        int a = x.shape().axis(axis, "gather");
        checkScatterShapes("gather", x.shape(), a, index.shape());
        Backend be = x.backend();
        Tensor out = Tensor.wrap(be, be.index().gather(x.buffer(), x.shape(), a, index.buffer(), index.shape()), index.shape());
        Shape in = x.shape();
        return Autograd.record(out, "gather", new Tensor[]{x, index}, g -> new Tensor[]{scatterAdd(g, in, a, index), null});
    }

    /** Zeros of {@code shape} with src's values added at index along axis (the adjoint of gather). */
    public static Tensor scatterAdd(Tensor src, Shape shape, int axis, Tensor index) {
        Checks.open("scatter_add", src, index);
        Checks.sameDevice("scatter_add", src, index);
        Checks.integer("scatter_add", index);
        Checks.floating("scatter_add", src);
        int a = shape.axis(axis, "scatter_add");
        checkScatterShapes("scatter_add", shape, a, index.shape());
        if (!src.shape().equals(index.shape())) {
            throw new ShapeMismatchException("scatter_add: source " + src.shape() + " must have the index's shape "
                    + index.shape());
        }
        Backend be = src.backend();
        Tensor out = Tensor.wrap(be, be.index().scatterAdd(shape, src.dtype(), a, index.buffer(), index.shape(), src.buffer()), shape);
        return Autograd.record(out, "scatter_add", new Tensor[]{src, index}, g -> new Tensor[]{gather(g, a, index), null});
    }

    /** The slices of x at {@code index} (0-D or 1-D) along axis. */
    public static Tensor indexSelect(Tensor x, int axis, Tensor index) {
        Checks.open("index_select", x, index);
        Checks.sameDevice("index_select", x, index);
        Checks.integer("index_select", index);
        if (index.rank() > 1) {
            throw new ShapeMismatchException("index_select: expected a 0-D or 1-D index, got shape " + index.shape()
                    + " for input " + x.shape());
        }
        int a = x.shape().axis(axis, "index_select");
        Shape outShape = x.shape().with(a, (int) index.numel());
        Backend be = x.backend();
        Tensor out = Tensor.wrap(be, be.index().indexSelect(x.buffer(), x.shape(), a, index.buffer()), outShape);
        Shape in = x.shape();
        return Autograd.record(out, "index_select", new Tensor[]{x, index}, g -> new Tensor[]{indexAdd(g, in, a, index), null});
    }

    /** Zeros of {@code shape} with src's slices added at their indices along axis (the adjoint of indexSelect). */
    public static Tensor indexAdd(Tensor src, Shape shape, int axis, Tensor index) {
        Checks.open("index_add", src, index);
        Checks.sameDevice("index_add", src, index);
        Checks.integer("index_add", index);
        Checks.floating("index_add", src);
        int a = shape.axis(axis, "index_add");
        if (index.rank() > 1 || !src.shape().equals(shape.with(a, (int) index.numel()))) {
            throw new ShapeMismatchException("index_add: source " + src.shape() + " and index " + index.shape()
                    + " do not fit output " + shape + " along axis " + axis + " (expected a 1-D index and source "
                    + shape.with(a, (int) index.numel()) + ")");
        }
        Backend be = src.backend();
        Tensor out = Tensor.wrap(be, be.index().indexAdd(shape, src.dtype(), a, index.buffer(), src.buffer()), shape);
        return Autograd.record(out, "index_add", new Tensor[]{src, index}, g -> new Tensor[]{indexSelect(g, a, index), null});
    }

    /** Rows of {@code weight [num, dim]} for integer {@code indices} of any shape: result indices.shape + [dim]. */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        Checks.open("embedding", weight, indices);
        Checks.sameDevice("embedding", weight, indices);
        if (weight.rank() != 2) {
            throw new ShapeMismatchException("embedding: expected a 2-D weight [num, dim], got shape " + weight.shape()
                    + " (indices " + indices.shape() + ")");
        }
        Checks.integer("embedding", indices);
        int[] id = indices.dims();
        int[] outDims = java.util.Arrays.copyOf(id, id.length + 1);
        outDims[id.length] = weight.dim(1);
        Tensor flat = indices.viewAs(Shape.of((int) indices.numel()));
        try {
            return ShapeOps.reshape(indexSelect(weight, 0, flat), outDims);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("embedding: weight " + weight.shape() + ", indices " + indices.shape()
                    + ": " + e.getMessage(), e);
        }
    }

    /** index.shape + [numClasses] of 0/1 in {@code dtype}; every index must lie in [0, numClasses). */
    public static Tensor oneHot(Tensor index, int numClasses, DType dtype) {
        Checks.open("one_hot", index);
        Checks.integer("one_hot", index);
        if (numClasses <= 0) {
            throw new InvalidArgumentException("one_hot: numClasses must be > 0, got " + numClasses + " for index "
                    + index.shape());
        }
        int[] id = index.dims();
        int[] outDims = java.util.Arrays.copyOf(id, id.length + 1);
        outDims[id.length] = numClasses;
        Backend be = index.backend();
        return Tensor.wrap(be, be.index().oneHot(index.buffer(), numClasses, dtype), Shape.of(outDims));
    }

    /** index has x's rank and index.dim(d) <= x.dim(d) for every d except the axis (torch.gather's rule). */
    private static void checkScatterShapes(String op, Shape x, int a, Shape index) {
        boolean ok = index.rank() == x.rank();
        for (int d = 0; ok && d < x.rank(); d++) ok = d == a || index.dim(d) <= x.dim(d);
        if (!ok) {
            throw new ShapeMismatchException(op + ": index " + index + " does not fit input " + x + " along axis " + a
                    + " (expected the same rank and index dims <= input dims except along the axis)");
        }
    }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.Tensor;

import java.util.List;

/** Shape ops: views (reshape) and strided copies (permute, expand, slice, pad, concat). */
public final class ShapeOps {
    private ShapeOps() {}

    public static Tensor reshape(Tensor x, int... dims) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor flatten(Tensor x, int startAxis, int endAxis) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor transpose(Tensor x, int axis0, int axis1) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor permute(Tensor x, int... perm) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor squeeze(Tensor x) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor squeeze(Tensor x, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor unsqueeze(Tensor x, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor expand(Tensor x, int... dims) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor narrow(Tensor x, int axis, int start, int length) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor slice(Tensor x, int axis, int start, int end, int step) { throw new UnsupportedOperationException("not implemented yet"); }
    public static List<Tensor> split(Tensor x, int size, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
    public static List<Tensor> split(Tensor x, int[] sizes, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor pad(Tensor x, int[] pads, double value) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor concat(List<Tensor> tensors, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor stack(List<Tensor> tensors, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
}

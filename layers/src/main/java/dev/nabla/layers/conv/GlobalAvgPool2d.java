package dev.nabla.layers.conv;

import dev.nabla.layers.Module;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;

/** Mean over the spatial axes: [n, c, h, w] -> [n, c] (or [n, c, 1, 1] with keepDims, like AdaptiveAvgPool2d(1)). */
public class GlobalAvgPool2d extends Module {
    private final boolean keepDims;

    public GlobalAvgPool2d() { this(false); }

    public GlobalAvgPool2d(boolean keepDims) { this.keepDims = keepDims; }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 4) throw new ShapeMismatchException("GlobalAvgPool2d: expected input [n, c, h, w], got " + x.shape());
        return x.mean(new int[]{2, 3}, keepDims);
    }

    @Override protected String extraRepr() { return "keepDims=" + keepDims; }
}

package dev.nabla.layers.conv;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;

import java.util.Arrays;

/** Mean over kernel windows of x [n, c, h, w]; {@code countIncludePad} as PyTorch (default true). */
public class AvgPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final boolean countIncludePad;

    public AvgPool2d(int kernel) { this(kernel, kernel, 0); }

    public AvgPool2d(int kernel, int stride, int padding) {
        this(new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding}, true);
    }

    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.countIncludePad = countIncludePad;
    }

    @Override public Tensor forward(Tensor x) { return F.avgPool2d(x, kernel, stride, padding, countIncludePad); }

    @Override protected String extraRepr() {
        return "kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding="
                + Arrays.toString(padding) + ", countIncludePad=" + countIncludePad;
    }
}

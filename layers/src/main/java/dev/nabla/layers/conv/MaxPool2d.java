package dev.nabla.layers.conv;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;

import java.util.Arrays;

/** Max over kernel windows of x [n, c, h, w]; stride defaults to the kernel, padding to 0 (padded cells never win). */
public class MaxPool2d extends Module {
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    public MaxPool2d(int kernel) { this(kernel, kernel, 0); }

    public MaxPool2d(int kernel, int stride, int padding) {
        this(new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding});
    }

    public MaxPool2d(int[] kernel, int[] stride, int[] padding) {
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
    }

    @Override public Tensor forward(Tensor x) { return F.maxPool2d(x, kernel, stride, padding); }

    @Override protected String extraRepr() {
        return "kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding);
    }
}

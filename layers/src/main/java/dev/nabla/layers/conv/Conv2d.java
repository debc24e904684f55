package dev.nabla.layers.conv;

import dev.nabla.layers.Module;
import dev.nabla.layers.Parameter;
import dev.nabla.layers.init.Init;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;

import java.util.Arrays;

/**
 * 2-D convolution over x [n, inChannels, h, w]: weight [outChannels, inChannels/groups, kh, kw], bias
 * [outChannels]; stride, zero padding, dilation and groups as PyTorch's {@code nn.Conv2d}, and the same default
 * initialisation.
 */
public class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    /** Square kernel, stride 1, no padding. */
    public Conv2d(int inChannels, int outChannels, int kernel) { this(inChannels, outChannels, kernel, 1, 0); }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding},
                new int[]{1, 1}, 1, true);
    }

    public Conv2d(int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding, int[] dilation,
                  int groups, boolean bias) {
        requirePositive("inChannels", inChannels);
        requirePositive("outChannels", outChannels);
        requirePositive("groups", groups);
        this.kernel = pair("kernel", kernel, 1);
        this.stride = pair("stride", stride, 1);
        this.padding = pair("padding", padding, 0);
        this.dilation = pair("dilation", dilation, 1);
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new InvalidArgumentException("Conv2d: inChannels " + inChannels + " and outChannels " + outChannels
                    + " must both be divisible by groups " + groups);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.weight = registerParameter("weight", newTensor(outChannels, inChannels / groups, this.kernel[0], this.kernel[1]));
        this.bias = bias ? registerParameter("bias", newTensor(outChannels)) : null;
        resetParameters(Generator.global());
    }

    private static int[] pair(String what, int[] v, int min) {
        if (v == null || v.length != 2 || v[0] < min || v[1] < min) {
            throw new InvalidArgumentException("Conv2d: " + what + " must be two values >= " + min + ", got " + Arrays.toString(v));
        }
        return v.clone();
    }

    @Override public void resetParameters(Generator gen) {
        Init.defaultWeight(weight.data(), gen);
        if (bias != null) Init.defaultBias(bias.data(), weight.data().shape(), gen);
    }

    public Tensor weight() { return weight.data(); }

    public Tensor bias() { return bias == null ? null : bias.data(); }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != inChannels) {
            throw new ShapeMismatchException("Conv2d: expected input [n, " + inChannels + ", h, w], got " + x.shape());
        }
        return F.conv2d(x, weight.data(), bias == null ? null : bias.data(), stride, padding, dilation, groups);
    }

    @Override protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                + ", padding=" + Arrays.toString(padding) + ", dilation=" + Arrays.toString(dilation) + ", groups=" + groups
                + ", bias=" + (bias != null);
    }
}

package dev.nabla.runtime.backend;

/** 2-D convolution (NCHW) and its two backward passes; the bias gradient is a plain reduction. */
public interface ConvKernels {
    /** y = conv2d(x, w) + bias; bias may be null. */
    Buffer conv2d(Buffer x, Buffer w, Buffer bias, Conv2dSpec spec);

    /** dx from dy and w. */
    Buffer conv2dBackwardInput(Buffer dy, Buffer w, Conv2dSpec spec);

    /** dw from x and dy. */
    Buffer conv2dBackwardWeight(Buffer x, Buffer dy, Conv2dSpec spec);

    /**
     * dw from x and dy, and the bias gradient (dy summed over n, h and w, [cOut]) where the backend computes it in
     * the same pass over dy: {dw, db}, db null where it does not (the caller then reduces dy itself).
     */
    default Buffer[] conv2dBackwardWeightAndBias(Buffer x, Buffer dy, Conv2dSpec spec) {
        return new Buffer[]{conv2dBackwardWeight(x, dy, spec), null};
    }
}

package dev.nabla.runtime.backend;

/**
 * Elementwise unary ops. Scalar parameters travel as {@code a}, {@code b} in the backend call:
 * POW_SCALAR (a = exponent), LEAKY_RELU (a = negative slope), CLAMP (a = min, b = max; NaN = no bound).
 */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, RSQRT, SQUARE, POW_SCALAR, SIN, COS, TANH, SIGMOID, RELU, LEAKY_RELU,
    GELU_TANH, GELU_ERF, HARD_SIGMOID, CLAMP, SIGN, RECIPROCAL;

    /** {@code exp_f32}-style kernel name. */
    public String kernelName(dev.nabla.runtime.DType dtype) { return name().toLowerCase() + "_" + dtype.suffix(); }
}

package dev.nabla.runtime.backend;

/** Elementwise binary ops with NumPy broadcasting. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, POW;

    public String kernelName(dev.nabla.runtime.DType dtype) { return name().toLowerCase() + "_" + dtype.suffix(); }
}

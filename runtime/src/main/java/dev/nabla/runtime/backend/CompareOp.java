package dev.nabla.runtime.backend;

/** Comparisons; the result is a mask of 0 and 1 in the inputs' dtype. */
public enum CompareOp {
    EQ, NE, LT, LE, GT, GE;

    public String kernelName(dev.nabla.runtime.DType dtype) { return name().toLowerCase() + "_" + dtype.suffix(); }
}

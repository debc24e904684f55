package dev.nabla.runtime.backend;

/** Reductions over a set of axes. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN, PROD, LOGSUMEXP;

    public String kernelName(dev.nabla.runtime.DType dtype) { return "reduce_" + name().toLowerCase() + "_" + dtype.suffix(); }
}

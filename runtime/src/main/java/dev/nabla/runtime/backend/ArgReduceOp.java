package dev.nabla.runtime.backend;

/** Index-of reductions over one axis; results are INT64. Ties pick the first index. */
public enum ArgReduceOp { ARGMAX, ARGMIN }

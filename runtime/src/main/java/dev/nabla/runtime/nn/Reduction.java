package dev.nabla.runtime.nn;

/** How a loss combines per-element values: none (keep them), mean or sum. */
public enum Reduction { NONE, MEAN, SUM }

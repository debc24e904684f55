package dev.nabla.runtime.backend;

/** Gradients of a normalisation: input, and weight/bias (null when the op had none). */
public record NormGrads(Buffer dx, Buffer dweight, Buffer dbias) {}

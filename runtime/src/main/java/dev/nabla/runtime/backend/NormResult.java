package dev.nabla.runtime.backend;

/**
 * Normalisation output with the statistics saved for backward: per-row (layer norm) or per-channel
 * (batch norm) {@code mean} and {@code rstd} = 1/sqrt(var + eps); {@code var} is the biased variance
 * (batch norm only, for the running statistics; null for layer norm).
 */
public record NormResult(Buffer out, Buffer mean, Buffer rstd, Buffer var) {}

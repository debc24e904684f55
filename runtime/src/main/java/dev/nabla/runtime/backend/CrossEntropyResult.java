package dev.nabla.runtime.backend;

/** Per-row cross-entropy losses {@code [n]} (0 for ignored rows) and the row log-sum-exp {@code [n]}. */
public record CrossEntropyResult(Buffer loss, Buffer logSumExp) {}

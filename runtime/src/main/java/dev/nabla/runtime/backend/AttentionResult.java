package dev.nabla.runtime.backend;

/** Attention output {@code [b, h, tq, dv]} and the row log-sum-exp {@code [b, h, tq]} saved for backward. */
public record AttentionResult(Buffer out, Buffer logSumExp) {}

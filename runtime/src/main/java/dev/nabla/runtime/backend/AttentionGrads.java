package dev.nabla.runtime.backend;

/** Gradients of attention with respect to q, k and v. */
public record AttentionGrads(Buffer dq, Buffer dk, Buffer dv) {}

package dev.nabla.runtime.backend;

/** Max-pool output and, per output element, the INT32 flat index (h * w + x) of the chosen input within its plane. */
public record PoolResult(Buffer out, Buffer argmax) {}

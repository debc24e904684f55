package dev.nabla.runtime.backend;

/**
 * Scaled dot-product attention over q {@code [batch, heads, tq, dk]}, k {@code [batch, heads, tk, dk]},
 * v {@code [batch, heads, tk, dv]}, giving {@code [batch, heads, tq, dv]}. With {@code causal}, query i
 * sees keys j <= i + (tk - tq) (PyTorch's bottom-right alignment; the usual j <= i when tq == tk).
 * A query row whose keys are all masked yields zeros (and zero gradients), not NaN.
 */
public record AttentionSpec(int batch, int heads, int tq, int tk, int dk, int dv, double scale, boolean causal) {}

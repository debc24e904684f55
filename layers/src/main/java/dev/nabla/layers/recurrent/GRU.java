package dev.nabla.layers.recurrent;

import dev.nabla.runtime.Tensor;

/**
 * Gated recurrent unit, as PyTorch's {@code nn.GRU}; gates in PyTorch's order (reset, update, new):
 * n = tanh(x_n + r * (h W_hn^T + b_hn)), h' = (1 - z) * n + z * h.
 */
public class GRU extends RecurrentLayer {
    public GRU(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, 1); }

    public GRU(int inputSize, int hiddenSize, int numLayers) { this(inputSize, hiddenSize, numLayers, true, 0.0); }

    public GRU(int inputSize, int hiddenSize, int numLayers, boolean bias, double dropout) {
        super(3, inputSize, hiddenSize, numLayers, bias, dropout);
    }

    @Override protected void step(Tensor gx, Tensor gh, Tensor[] state) {
        Tensor r = gate(gx, 0).add(gate(gh, 0)).sigmoid();
        Tensor z = gate(gx, 1).add(gate(gh, 1)).sigmoid();
        Tensor n = gate(gx, 2).add(r.mul(gate(gh, 2))).tanh();
        // h' = n + z * (h - n): the same value as (1 - z) n + z h with one op fewer
        state[0] = n.add(z.mul(state[0].sub(n)));
    }
}

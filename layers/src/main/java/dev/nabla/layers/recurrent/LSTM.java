package dev.nabla.layers.recurrent;

import dev.nabla.runtime.Tensor;

/**
 * Long short-term memory, as PyTorch's {@code nn.LSTM}; gates in PyTorch's order (input, forget, cell, output):
 * c' = f * c + i * g, h' = o * tanh(c').
 */
public class LSTM extends RecurrentLayer {
    public LSTM(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, 1); }

    public LSTM(int inputSize, int hiddenSize, int numLayers) { this(inputSize, hiddenSize, numLayers, true, 0.0); }

    public LSTM(int inputSize, int hiddenSize, int numLayers, boolean bias, double dropout) {
        super(4, inputSize, hiddenSize, numLayers, bias, dropout);
    }

    @Override protected boolean hasCell() { return true; }

    @Override protected void step(Tensor gx, Tensor gh, Tensor[] state) {
        Tensor g = gx.add(gh);
        Tensor i = gate(g, 0).sigmoid();
        Tensor f = gate(g, 1).sigmoid();
        Tensor c = gate(g, 2).tanh();
        Tensor o = gate(g, 3).sigmoid();
        state[1] = f.mul(state[1]).add(i.mul(c));
        state[0] = o.mul(state[1].tanh());
    }
}

package dev.nabla.layers.recurrent;

import dev.nabla.runtime.Tensor;

/** Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or ReLU), as PyTorch's {@code nn.RNN}. */
public class RNN extends RecurrentLayer {
    private final boolean relu;

    public RNN(int inputSize, int hiddenSize) { this(inputSize, hiddenSize, 1); }

    public RNN(int inputSize, int hiddenSize, int numLayers) { this(inputSize, hiddenSize, numLayers, true, 0.0, false); }

    public RNN(int inputSize, int hiddenSize, int numLayers, boolean bias, double dropout, boolean relu) {
        super(1, inputSize, hiddenSize, numLayers, bias, dropout);
        this.relu = relu;
    }

    @Override protected void step(Tensor gx, Tensor gh, Tensor[] state) {
        Tensor pre = gx.add(gh);
        state[0] = relu ? pre.relu() : pre.tanh();
    }

    @Override protected String extraRepr() { return super.extraRepr() + ", nonlinearity=" + (relu ? "relu" : "tanh"); }
}

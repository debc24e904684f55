package dev.nabla.layers.recurrent;

import dev.nabla.layers.Module;
import dev.nabla.layers.Parameter;
import dev.nabla.layers.init.Init;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared machinery of RNN, LSTM and GRU: multi-layer, batch-first ([b, t, features]), unrolled step by step
 * with differentiable tensor ops, so backpropagation through time is ordinary autograd. Parameters are named and
 * laid out as PyTorch's (weight_ih_l0 [gates*h, in], weight_hh_l0 [gates*h, h], bias_ih_l0, bias_hh_l0, ...) and
 * initialised U(-1/sqrt(h), 1/sqrt(h)); PyTorch state dicts load as they are. Unidirectional only.
 */
public abstract class RecurrentLayer extends Module {
    protected final int inputSize;
    protected final int hiddenSize;
    protected final int numLayers;
    private final double dropout;
    private final Parameter[] wIh;
    private final Parameter[] wHh;
    private final Parameter[] bIh;
    private final Parameter[] bHh;

    protected RecurrentLayer(int gates, int inputSize, int hiddenSize, int numLayers, boolean bias, double dropout) {
        requirePositive("inputSize", inputSize);
        requirePositive("hiddenSize", hiddenSize);
        requirePositive("numLayers", numLayers);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InvalidArgumentException(getClass().getSimpleName() + ": dropout must be in [0, 1), got " + dropout);
        }
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.numLayers = numLayers;
        this.dropout = dropout;
        wIh = new Parameter[numLayers];
        wHh = new Parameter[numLayers];
        bIh = new Parameter[numLayers];
        bHh = new Parameter[numLayers];
        for (int l = 0; l < numLayers; l++) {
            int in = l == 0 ? inputSize : hiddenSize;
            wIh[l] = registerParameter("weight_ih_l" + l, newTensor(gates * hiddenSize, in));
            wHh[l] = registerParameter("weight_hh_l" + l, newTensor(gates * hiddenSize, hiddenSize));
            if (bias) {
                bIh[l] = registerParameter("bias_ih_l" + l, newTensor(gates * hiddenSize));
                bHh[l] = registerParameter("bias_hh_l" + l, newTensor(gates * hiddenSize));
            }
        }
        resetParameters(Generator.global());
    }

    @Override public void resetParameters(Generator gen) {
        double bound = 1.0 / Math.sqrt(hiddenSize);
        for (Parameter p : ownParameters().values()) Init.uniform(p.data(), -bound, bound, gen);
    }

    public int inputSize() { return inputSize; }

    public int hiddenSize() { return hiddenSize; }

    public int numLayers() { return numLayers; }

    /** The hidden state before the first step when none is given. */
    private Tensor zeros(Tensor like, int b) { return Tensor.zeros(Shape.of(b, hiddenSize), like.dtype(), like.device()); }

    /** The output sequence [b, t, h] from zero initial states. */
    @Override public Tensor forward(Tensor x) { return run(x, null, null).output(); }

    /** Runs from zero initial states. */
    public RecurrentOutput forwardWithState(Tensor x) { return forwardWithState(x, null, null); }

    /** Runs from initial hidden (and, for an LSTM, cell) states [numLayers, b, h]; null means zeros. */
    public RecurrentOutput forwardWithState(Tensor x, Tensor h0, Tensor c0) {
        RecurrentOutput out = run(x, h0, c0);
        hooked(out.output());
        return out;
    }

    private RecurrentOutput run(Tensor x, Tensor h0, Tensor c0) {
        String name = getClass().getSimpleName();
        if (x.rank() != 3 || x.dim(2) != inputSize) {
            throw new ShapeMismatchException(name + ": expected batch-first input [b, t, " + inputSize + "], got " + x.shape());
        }
        int b = x.dim(0), steps = x.dim(1);
        checkState(name + ": initial hidden state", h0, b);
        checkState(name + ": initial cell state", c0, b);
        if (c0 != null && !hasCell()) throw new InvalidArgumentException(name + ": has no cell state, but c0 was given");
        Tensor layerInput = x;
        List<Tensor> hs = new ArrayList<>();
        List<Tensor> cs = new ArrayList<>();
        for (int l = 0; l < numLayers; l++) {
            int in = layerInput.dim(2);
            Tensor xin = layerInput.reshape(b * steps, in).matmul(wIh[l].data(), false, true);
            if (bIh[l] != null) xin = xin.add(bIh[l].data());
            xin = xin.reshape(b, steps, -1);
            Tensor[] state = {h0 == null ? zeros(x, b) : h0.narrow(0, l, 1).reshape(b, hiddenSize),
                    !hasCell() ? null : c0 == null ? zeros(x, b) : c0.narrow(0, l, 1).reshape(b, hiddenSize)};
            List<Tensor> outs = new ArrayList<>(steps);
            for (int t = 0; t < steps; t++) {
                Tensor gx = xin.narrow(1, t, 1).reshape(b, -1);
                Tensor gh = state[0].matmul(wHh[l].data(), false, true);
                if (bHh[l] != null) gh = gh.add(bHh[l].data());
                step(gx, gh, state);
                outs.add(state[0]);
            }
            Tensor seq = Tensor.stack(outs, 1);
            if (l < numLayers - 1 && dropout > 0 && isTraining()) seq = F.dropout(seq, dropout, true);
            layerInput = seq;
            hs.add(state[0]);
            cs.add(state[1]);
        }
        return new RecurrentOutput(layerInput, Tensor.stack(hs, 0), hasCell() ? Tensor.stack(cs, 0) : null);
    }

    private void checkState(String what, Tensor s, int b) {
        if (s != null && !s.shape().equals(Shape.of(numLayers, b, hiddenSize))) {
            throw new ShapeMismatchException(what + " must be [" + numLayers + ", " + b + ", " + hiddenSize + "], got " + s.shape());
        }
    }

    /** Whether the layer carries a cell state (LSTM). */
    protected boolean hasCell() { return false; }

    /**
     * One step: {@code gx} = x_t W_ih^T + b_ih and {@code gh} = h W_hh^T + b_hh, both [b, gates*h]; updates
     * state[0] (hidden) and state[1] (cell, LSTM only) in the array.
     */
    protected abstract void step(Tensor gx, Tensor gh, Tensor[] state);

    /** Gate {@code i} (of width h) of a [b, gates*h] tensor. */
    protected final Tensor gate(Tensor g, int i) { return g.narrow(1, i * hiddenSize, hiddenSize); }

    @Override protected String extraRepr() {
        return inputSize + ", " + hiddenSize + ", numLayers=" + numLayers + ", bias=" + (bIh[0] != null) + ", dropout=" + dropout;
    }
}

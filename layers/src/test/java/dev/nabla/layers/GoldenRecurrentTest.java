package dev.nabla.layers;

import dev.nabla.layers.recurrent.GRU;
import dev.nabla.layers.recurrent.LSTM;
import dev.nabla.layers.recurrent.RNN;
import dev.nabla.layers.recurrent.RecurrentLayer;
import dev.nabla.layers.recurrent.RecurrentOutput;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two-layer RNN, LSTM and GRU against PyTorch (float64, with initial states): the output sequence, the final
 * states, and the gradients (through time) of every weight, the input and the initial states. atol 1e-9 / rtol 1e-7.
 */
class GoldenRecurrentTest {
    @Test void rnnMatchesPyTorch() { check("rnn", new RNN(3, 4, 2)); }

    @Test void lstmMatchesPyTorch() { check("lstm", new LSTM(3, 4, 2)); }

    @Test void gruMatchesPyTorch() { check("gru", new GRU(3, 4, 2)); }

    private static void check(String kind, RecurrentLayer layer) {
        Golden g = Golden.load("layers/" + kind + ".txt");
        g.load(layer);
        RecurrentOutput r = layer.forwardWithState(g.in("x"), g.in("h0"), kind.equals("lstm") ? g.in("c0") : null);
        Map<String, Tensor> outs = new LinkedHashMap<>();
        outs.put("y", r.output());
        outs.put("h", r.hidden());
        if (r.cell() != null) outs.put("c", r.cell());
        g.check(layer, outs, 1e-9, 1e-7);
    }
}

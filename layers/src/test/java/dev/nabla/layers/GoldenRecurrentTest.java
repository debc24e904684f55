package dev.nabla.layers;

import dev.nabla.layers.recurrent.GRU;
import dev.nabla.layers.recurrent.LSTM;
import dev.nabla.layers.recurrent.RNN;
import dev.nabla.layers.recurrent.RecurrentLayer;
import dev.nabla.layers.recurrent.RecurrentOutput;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two-layer RNN, LSTM and GRU against PyTorch (float64, with initial states): the output sequence, the final
 * states, and the gradients (through time) of every weight, the input and the initial states. atol 1e-9 / rtol 1e-7.
 */
class GoldenRecurrentTest {
    static final String DEVICES = "dev.nabla.runtime.TestDevices#all";

    @ParameterizedTest
    @MethodSource(DEVICES)
    void rnnMatchesPyTorch(Device device) { check(device, "rnn", new RNN(3, 4, 2)); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void lstmMatchesPyTorch(Device device) { check(device, "lstm", new LSTM(3, 4, 2)); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void gruMatchesPyTorch(Device device) { check(device, "gru", new GRU(3, 4, 2)); }

    private static void check(Device device, String kind, RecurrentLayer layer) {
        Golden g = Golden.load("layers/" + kind + ".txt", device);
        g.load(layer);
        RecurrentOutput r = layer.forwardWithState(g.in("x"), g.in("h0"), kind.equals("lstm") ? g.in("c0") : null);
        Map<String, Tensor> outs = new LinkedHashMap<>();
        outs.put("y", r.output());
        outs.put("h", r.hidden());
        if (r.cell() != null) outs.put("c", r.cell());
        g.check(layer, outs, 1e-9, 1e-7);
    }
}

package dev.nabla.layers;

import dev.nabla.layers.loss.BCEWithLogitsLoss;
import dev.nabla.layers.loss.CrossEntropyLoss;
import dev.nabla.layers.loss.L1Loss;
import dev.nabla.layers.loss.MSELoss;
import dev.nabla.layers.loss.NLLLoss;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.nn.Reduction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;

/** Loss modules against PyTorch (float64): the loss and the gradient of the prediction. atol 1e-10 / rtol 1e-8. */
class GoldenLossTest {
    static final String DEVICES = "dev.nabla.runtime.TestDevices#all";

    static final double ATOL = 1e-10;
    static final double RTOL = 1e-8;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> reductions() {
        return dev.nabla.runtime.TestDevices.all().flatMap(d -> java.util.stream.Stream.of(Reduction.values())
                .map(r -> org.junit.jupiter.params.provider.Arguments.of(d, r)));
    }

    @ParameterizedTest
    @MethodSource("reductions")
    void crossEntropyWithIgnoreIndexAndLabelSmoothingMatchesPyTorch(Device device, Reduction reduction) {
        Golden g = Golden.load("loss/cross_entropy_" + reduction.name().toLowerCase() + ".txt", device);
        CrossEntropyLoss loss = new CrossEntropyLoss(reduction, -100, 0.1);
        g.check(null, Map.of("loss", loss.forward(g.in("x"), g.in("labels"))), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void nllLossMatchesPyTorch(Device device) {
        Golden g = Golden.load("loss/nll.txt", device);
        g.check(null, Map.of("loss", new NLLLoss().forward(g.in("x"), g.in("labels"))), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void mseLossMatchesPyTorch(Device device) {
        Golden g = Golden.load("loss/mse.txt", device);
        g.check(null, Map.of("loss", new MSELoss().forward(g.in("x"), g.in("y"))), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void l1LossWithSumMatchesPyTorch(Device device) {
        Golden g = Golden.load("loss/l1.txt", device);
        g.check(null, Map.of("loss", new L1Loss(Reduction.SUM).forward(g.in("x"), g.in("y"))), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void bceWithLogitsAndPositiveWeightMatchesPyTorch(Device device) {
        Golden g = Golden.load("loss/bce_with_logits.txt", device);
        BCEWithLogitsLoss loss = new BCEWithLogitsLoss(Reduction.MEAN, g.f.get("pos_weight").tensor(DType.FLOAT64, device));
        g.check(null, Map.of("loss", loss.forward(g.in("x"), g.in("t"))), ATOL, RTOL);
    }
}

package dev.nabla.layers;

import dev.nabla.layers.loss.BCEWithLogitsLoss;
import dev.nabla.layers.loss.CrossEntropyLoss;
import dev.nabla.layers.loss.L1Loss;
import dev.nabla.layers.loss.MSELoss;
import dev.nabla.layers.loss.NLLLoss;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.nn.Reduction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

/** Loss modules against PyTorch (float64): the loss and the gradient of the prediction. atol 1e-10 / rtol 1e-8. */
class GoldenLossTest {
    static final double ATOL = 1e-10;
    static final double RTOL = 1e-8;

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropyWithIgnoreIndexAndLabelSmoothingMatchesPyTorch(Reduction reduction) {
        Golden g = Golden.load("loss/cross_entropy_" + reduction.name().toLowerCase() + ".txt");
        CrossEntropyLoss loss = new CrossEntropyLoss(reduction, -100, 0.1);
        g.check(null, Map.of("loss", loss.forward(g.in("x"), g.in("labels"))), ATOL, RTOL);
    }

    @Test void nllLossMatchesPyTorch() {
        Golden g = Golden.load("loss/nll.txt");
        g.check(null, Map.of("loss", new NLLLoss().forward(g.in("x"), g.in("labels"))), ATOL, RTOL);
    }

    @Test void mseLossMatchesPyTorch() {
        Golden g = Golden.load("loss/mse.txt");
        g.check(null, Map.of("loss", new MSELoss().forward(g.in("x"), g.in("y"))), ATOL, RTOL);
    }

    @Test void l1LossWithSumMatchesPyTorch() {
        Golden g = Golden.load("loss/l1.txt");
        g.check(null, Map.of("loss", new L1Loss(Reduction.SUM).forward(g.in("x"), g.in("y"))), ATOL, RTOL);
    }

    @Test void bceWithLogitsAndPositiveWeightMatchesPyTorch() {
        Golden g = Golden.load("loss/bce_with_logits.txt");
        BCEWithLogitsLoss loss = new BCEWithLogitsLoss(Reduction.MEAN, g.f.get("pos_weight").tensor(DType.FLOAT64, Device.CPU));
        g.check(null, Map.of("loss", loss.forward(g.in("x"), g.in("t"))), ATOL, RTOL);
    }
}

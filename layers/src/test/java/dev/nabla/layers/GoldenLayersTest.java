package dev.nabla.layers;

import dev.nabla.layers.activation.GELU;
import dev.nabla.layers.activation.HardSigmoid;
import dev.nabla.layers.activation.LeakyReLU;
import dev.nabla.layers.activation.ReLU;
import dev.nabla.layers.activation.Sigmoid;
import dev.nabla.layers.activation.Softmax;
import dev.nabla.layers.activation.Tanh;
import dev.nabla.layers.conv.AvgPool2d;
import dev.nabla.layers.conv.Conv2d;
import dev.nabla.layers.conv.GlobalAvgPool2d;
import dev.nabla.layers.conv.MaxPool2d;
import dev.nabla.layers.norm.BatchNorm1d;
import dev.nabla.layers.norm.BatchNorm2d;
import dev.nabla.layers.norm.LayerNorm;
import dev.nabla.runtime.TestTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

/**
 * Dense, convolution, pooling, normalisation, embedding and activation layers against PyTorch (float64):
 * outputs and every parameter and input gradient. Tolerance atol 1e-9 / rtol 1e-7 (float64 rounding only).
 */
class GoldenLayersTest {
    static final double ATOL = 1e-9;
    static final double RTOL = 1e-7;

    @Test void linearOnARank3InputMatchesPyTorch() { simple("layers/linear.txt", new Linear(4, 3)); }

    @Test void linearWithoutBiasMatchesPyTorch() { simple("layers/linear_nobias.txt", new Linear(4, 3, false)); }

    @Test void conv2dWithStrideAndPaddingMatchesPyTorch() { simple("layers/conv2d.txt", new Conv2d(3, 4, 3, 2, 1)); }

    @Test void conv2dWithGroupsDilationAndNoBiasMatchesPyTorch() {
        simple("layers/conv2d_groups.txt", new Conv2d(4, 6, new int[]{3, 2}, new int[]{1, 2}, new int[]{2, 1}, new int[]{2, 1}, 2, false));
    }

    @Test void maxPool2dMatchesPyTorch() { simple("layers/maxpool2d.txt", new MaxPool2d(3, 2, 1)); }

    @Test void avgPool2dWithoutPaddingInTheCountMatchesPyTorch() {
        simple("layers/avgpool2d.txt", new AvgPool2d(new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 1}, false));
    }

    @Test void globalAvgPoolMatchesAdaptiveAvgPoolFlattened() { simple("layers/globalavgpool.txt", new GlobalAvgPool2d()); }

    @Test void layerNormMatchesPyTorch() { simple("layers/layernorm.txt", new LayerNorm(4)); }

    @Test void embeddingGradientAccumulatesRepeatedIds() { simple("layers/embedding.txt", new Embedding(7, 3), "ids"); }

    @Test void batchNorm2dTrainingUsesBatchStatisticsAndUpdatesRunningStats() {
        Golden g = Golden.load("layers/batchnorm2d_train.txt");
        BatchNorm2d bn = g.load(new BatchNorm2d(3, 1e-4, 0.2, true, true));
        bn.train();
        g.check(bn, bn.call(g.in("x")), ATOL, RTOL);
        TestTensors.assertClose(g.values("after.running_mean"), bn.runningMean(), ATOL, RTOL, "running_mean");
        TestTensors.assertClose(g.values("after.running_var"), bn.runningVar(), ATOL, RTOL, "running_var");
    }

    @Test void batchNorm2dEvaluationUsesRunningStatistics() {
        Golden g = Golden.load("layers/batchnorm2d_eval.txt");
        BatchNorm2d bn = g.load(new BatchNorm2d(3, 1e-4, 0.2, true, true));
        bn.eval();
        g.check(bn, bn.call(g.in("x")), ATOL, RTOL);
    }

    @Test void batchNorm1dTrainingMatchesPyTorch() {
        Golden g = Golden.load("layers/batchnorm1d_train.txt");
        BatchNorm1d bn = g.load(new BatchNorm1d(5));
        g.check(bn, bn.call(g.in("x")), ATOL, RTOL);
        TestTensors.assertClose(g.values("after.running_mean"), bn.runningMean(), ATOL, RTOL, "running_mean");
        TestTensors.assertClose(g.values("after.running_var"), bn.runningVar(), ATOL, RTOL, "running_var");
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu", "leaky_relu", "sigmoid", "hardsigmoid", "tanh", "gelu", "gelu_tanh", "softmax"})
    void activationMatchesPyTorch(String name) {
        Supplier<Module> make = switch (name) {
            case "relu" -> ReLU::new;
            case "leaky_relu" -> () -> new LeakyReLU(0.2);
            case "sigmoid" -> Sigmoid::new;
            case "hardsigmoid" -> HardSigmoid::new;
            case "tanh" -> Tanh::new;
            case "gelu" -> GELU::new;
            case "gelu_tanh" -> () -> new GELU(true);
            case "softmax" -> () -> new Softmax(1);
            default -> throw new IllegalArgumentException(name);
        };
        simple("layers/act_" + name + ".txt", make.get());
    }

    static void simple(String path, Module m) { simple(path, m, "x"); }

    static void simple(String path, Module m, String input) {
        Golden g = Golden.load(path);
        g.load(m);
        g.check(m, m.call(g.in(input)), ATOL, RTOL);
    }
}

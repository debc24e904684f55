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
import dev.nabla.runtime.Device;
import dev.nabla.runtime.TestTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.Supplier;

/**
 * Dense, convolution, pooling, normalisation, embedding and activation layers against PyTorch (float64):
 * outputs and every parameter and input gradient. Tolerance atol 1e-9 / rtol 1e-7 (float64 rounding only).
 */
class GoldenLayersTest {
    static final String DEVICES = "dev.nabla.runtime.TestDevices#all";

    static final double ATOL = 1e-9;
    static final double RTOL = 1e-7;

    @ParameterizedTest
    @MethodSource(DEVICES)
    void linearOnARank3InputMatchesPyTorch(Device device) { simple(device, "layers/linear.txt", new Linear(4, 3)); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void linearWithoutBiasMatchesPyTorch(Device device) { simple(device, "layers/linear_nobias.txt", new Linear(4, 3, false)); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void conv2dWithStrideAndPaddingMatchesPyTorch(Device device) { simple(device, "layers/conv2d.txt", new Conv2d(3, 4, 3, 2, 1)); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void conv2dWithGroupsDilationAndNoBiasMatchesPyTorch(Device device) {
        simple(device, "layers/conv2d_groups.txt", new Conv2d(4, 6, new int[]{3, 2}, new int[]{1, 2}, new int[]{2, 1}, new int[]{2, 1}, 2, false));
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void maxPool2dMatchesPyTorch(Device device) { simple(device, "layers/maxpool2d.txt", new MaxPool2d(3, 2, 1)); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void avgPool2dWithoutPaddingInTheCountMatchesPyTorch(Device device) {
        simple(device, "layers/avgpool2d.txt", new AvgPool2d(new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 1}, false));
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void globalAvgPoolMatchesAdaptiveAvgPoolFlattened(Device device) { simple(device, "layers/globalavgpool.txt", new GlobalAvgPool2d()); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void layerNormMatchesPyTorch(Device device) { simple(device, "layers/layernorm.txt", new LayerNorm(4)); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void embeddingGradientAccumulatesRepeatedIds(Device device) { simple(device, "layers/embedding.txt", new Embedding(7, 3), "ids"); }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void batchNorm2dTrainingUsesBatchStatisticsAndUpdatesRunningStats(Device device) {
        Golden g = Golden.load("layers/batchnorm2d_train.txt", device);
        BatchNorm2d bn = g.load(new BatchNorm2d(3, 1e-4, 0.2, true, true));
        bn.train();
        g.check(bn, bn.call(g.in("x")), ATOL, RTOL);
        TestTensors.assertClose(g.values("after.running_mean"), bn.runningMean(), ATOL, RTOL, "running_mean");
        TestTensors.assertClose(g.values("after.running_var"), bn.runningVar(), ATOL, RTOL, "running_var");
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void batchNorm2dEvaluationUsesRunningStatistics(Device device) {
        Golden g = Golden.load("layers/batchnorm2d_eval.txt", device);
        BatchNorm2d bn = g.load(new BatchNorm2d(3, 1e-4, 0.2, true, true));
        bn.eval();
        g.check(bn, bn.call(g.in("x")), ATOL, RTOL);
    }

    @ParameterizedTest
    @MethodSource(DEVICES)
    void batchNorm1dTrainingMatchesPyTorch(Device device) {
        Golden g = Golden.load("layers/batchnorm1d_train.txt", device);
        BatchNorm1d bn = g.load(new BatchNorm1d(5));
        g.check(bn, bn.call(g.in("x")), ATOL, RTOL);
        TestTensors.assertClose(g.values("after.running_mean"), bn.runningMean(), ATOL, RTOL, "running_mean");
        TestTensors.assertClose(g.values("after.running_var"), bn.runningVar(), ATOL, RTOL, "running_var");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> activations() {
        return dev.nabla.runtime.TestDevices.all().flatMap(d -> java.util.stream.Stream.of("relu", "leaky_relu", "sigmoid",
                "hardsigmoid", "tanh", "gelu", "gelu_tanh", "softmax").map(n -> org.junit.jupiter.params.provider.Arguments.of(d, n)));
    }

    @ParameterizedTest
    @MethodSource("activations")
    void activationMatchesPyTorch(Device device, String name) {
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
        simple(device, "layers/act_" + name + ".txt", make.get());
    }

    static void simple(Device device, String path, Module m) { simple(device, path, m, "x"); }

    static void simple(Device device, String path, Module m, String input) {
        Golden g = Golden.load(path, device);
        g.load(m);
        g.check(m, m.call(g.in(input)), ATOL, RTOL);
    }
}

package dev.nabla.layers;

import dev.nabla.layers.activation.GELU;
import dev.nabla.layers.activation.Tanh;
import dev.nabla.layers.attention.Transformer;
import dev.nabla.layers.attention.TransformerOptions;
import dev.nabla.layers.conv.Conv2d;
import dev.nabla.layers.conv.MaxPool2d;
import dev.nabla.layers.norm.BatchNorm2d;
import dev.nabla.layers.recurrent.LSTM;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.random.Generator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Finite-difference gradient checks (float64) through whole small models, with respect to every parameter and the
 * input: the layers compose correctly under autograd.
 */
class ModelGradCheckTest {
    /** Checks d f / d (params..., inputs...) where f reads the model's live parameters. */
    private static void check(String name, Module model, Function<Tensor[], Tensor> f, Tensor... inputs) {
        List<Tensor> all = new ArrayList<>(model.parameters());
        for (Tensor t : inputs) all.add(t.requiresGrad(true));
        Tensor[] arr = all.toArray(new Tensor[0]);
        int n = model.parameters().size();
        GradCheck.check(name, in -> f.apply(java.util.Arrays.copyOfRange(in, n, in.length)), arr);
    }

    private static <M extends Module> M float64(M m, long seed) {
        m.resetParameters(new Generator(seed));
        m.to(DType.FLOAT64);
        return m;
    }

    @Test void mlpGradientsMatchFiniteDifferences() {
        Sequential mlp = float64(new Sequential(new Linear(3, 4), new Tanh(), new Linear(4, 4), new GELU(), new Linear(4, 2)), 1);
        check("mlp", mlp, in -> mlp.call(in[0]), TestTensors.randomDouble(2, 2, 3));
    }

    @Test void cnnGradientsMatchFiniteDifferences() {
        Sequential cnn = float64(new Sequential(new Conv2d(1, 2, 3, 1, 1), new BatchNorm2d(2), new Tanh(), new MaxPool2d(2),
                new Flatten(), new Linear(8, 2)), 3);
        check("cnn", cnn, in -> cnn.call(in[0]), TestTensors.randomDouble(4, 2, 1, 4, 4));
    }

    @Test void oneLayerTransformerGradientsMatchFiniteDifferences() {
        Transformer t = float64(new Transformer(4, 2, 1, 1, new TransformerOptions(6, 0.0, TransformerOptions.Activation.GELU,
                false, 1e-5)), 5);
        check("transformer", t, in -> t.forward(in[0], in[1]), TestTensors.randomDouble(6, 1, 3, 4),
                TestTensors.randomDouble(7, 1, 2, 4));
    }

    @Test void lstmGradientsThroughTimeMatchFiniteDifferences() {
        LSTM lstm = float64(new LSTM(2, 3, 2), 8);
        check("lstm", lstm, in -> lstm.forwardWithState(in[0]).output(), TestTensors.randomDouble(9, 2, 3, 2));
    }
}

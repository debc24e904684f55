package dev.nabla.layers;

import dev.nabla.layers.activation.ReLU;
import dev.nabla.layers.attention.Transformer;
import dev.nabla.layers.attention.TransformerOptions;
import dev.nabla.layers.conv.Conv2d;
import dev.nabla.layers.norm.BatchNorm1d;
import dev.nabla.layers.recurrent.LSTM;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Module API: names, counts, modes, dtype, state dicts, summary, lifetimes. Needs no op beyond creation/copy. */
class ModuleTest {
    static Sequential mlp() { return new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3)); }

    @Test void sequentialNamesParametersByIndexLikePyTorch() {
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(mlp().namedParameters().keySet()));
    }

    @Test void nestedTransformerParameterNamesAreHierarchical() {
        Transformer t = new Transformer(8, 2, 1, 1, TransformerOptions.defaults().withDimFeedforward(16));
        Map<String, Tensor> p = t.namedParameters();
        assertTrue(p.containsKey("encoder.layers.0.self_attn.q_proj.weight"), p.keySet().toString());
        assertTrue(p.containsKey("decoder.layers.0.multihead_attn.out_proj.bias"), p.keySet().toString());
        assertTrue(p.containsKey("decoder.norm.weight"), p.keySet().toString());
    }

    @Test void lstmParametersUsePyTorchNamesAndGateLayout() {
        Map<String, Tensor> p = new LSTM(3, 5, 2).namedParameters();
        assertEquals(List.of("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"), List.copyOf(p.keySet()));
        assertArrayEquals(new int[]{20, 3}, p.get("weight_ih_l0").dims());
        assertArrayEquals(new int[]{20, 5}, p.get("weight_ih_l1").dims());
    }

    @Test void parameterCountSumsEveryTrainableScalar() {
        assertEquals(4 * 8 + 8 + 8 * 3 + 3, mlp().parameterCount());
        assertEquals(3 * 3 * 3 * 5 + 5, new Conv2d(3, 5, 3).parameterCount());
    }

    @Test void parametersRequireGradAndBuffersDoNot() {
        BatchNorm1d bn = new BatchNorm1d(4);
        bn.parameters().forEach(t -> assertTrue(t.requiresGrad()));
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.namedBuffers().keySet()));
        bn.namedBuffers().values().forEach(t -> assertFalse(t.requiresGrad()));
    }

    @Test void stateDictHoldsParametersThenBuffers() {
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(new BatchNorm1d(4).stateDict().keySet()));
    }

    @Test void aStepScopeDoesNotCloseParametersCreatedInsideIt() {
        Linear lin;
        try (Scope ignored = Scope.open()) {
            lin = new Linear(2, 2);
        }
        assertFalse(lin.weight().isClosed());
        assertFalse(lin.bias().isClosed());
    }

    @Test void trainAndEvalReachEveryDescendant() {
        Sequential m = new Sequential(new Sequential(new Dropout(0.5)), new Linear(2, 2));
        m.eval();
        m.namedModules().values().forEach(x -> assertFalse(x.isTraining()));
        m.train();
        m.namedModules().values().forEach(x -> assertTrue(x.isTraining()));
    }

    @Test void toFloat64ConvertsParametersAndKeepsValues() {
        Linear lin = new Linear(3, 2);
        float[] before = lin.weight().toFloatArray();
        lin.to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, lin.weight().dtype());
        assertTrue(lin.weight().requiresGrad());
        double[] after = lin.weight().toDoubleArray();
        for (int i = 0; i < before.length; i++) assertEquals(before[i], after[i], 0.0);
    }

    @Test void stateDictRoundTripRestoresEveryValue() {
        Generator.manualSeed(1);
        Sequential a = new Sequential(new Linear(4, 6), new BatchNorm1d(6), new Linear(6, 2));
        Generator.manualSeed(2);
        Sequential b = new Sequential(new Linear(4, 6), new BatchNorm1d(6), new Linear(6, 2));
        assertNotEquals(a.stateDict().get("0.weight").toDoubleArray()[0], b.stateDict().get("0.weight").toDoubleArray()[0]);
        b.loadStateDict(a.stateDict());
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toDoubleArray(), b.stateDict().get(e.getKey()).toDoubleArray(), e.getKey());
        }
    }

    @Test void loadingAFloat64StateIntoAFloat32ModelConverts() {
        Linear lin = new Linear(2, 1);
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("weight", Tensor.of(new double[]{0.25, -0.5}, 1, 2));
        state.put("bias", Tensor.of(new double[]{2}, 1));
        lin.loadStateDict(state);
        assertEquals(DType.FLOAT32, lin.weight().dtype());
        assertArrayEquals(new float[]{0.25f, -0.5f}, lin.weight().toFloatArray());
    }

    @Test void loadingAMisShapedStateNamesTheParameterAndBothShapes() {
        Sequential m = mlp();
        LinkedHashMap<String, Tensor> state = mlp().stateDict();
        state.put("2.weight", Tensor.zeros(8, 3));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> m.loadStateDict(state));
        assertTrue(e.getMessage().contains("'2.weight'"), e.getMessage());
        assertTrue(e.getMessage().contains("[8, 3]") && e.getMessage().contains("[3, 8]"), e.getMessage());
    }

    @Test void aMisShapedStateChangesNothing() {
        Sequential m = mlp();
        double[] before = m.stateDict().get("0.weight").toDoubleArray();
        LinkedHashMap<String, Tensor> state = mlp().stateDict();
        state.put("2.bias", Tensor.zeros(4));
        assertThrows(ShapeMismatchException.class, () -> m.loadStateDict(state));
        assertArrayEquals(before, m.stateDict().get("0.weight").toDoubleArray());
    }

    @Test void strictLoadingNamesMissingAndUnexpectedKeys() {
        Sequential m = mlp();
        LinkedHashMap<String, Tensor> state = mlp().stateDict();
        state.remove("0.bias");
        state.put("3.weight", Tensor.zeros(1));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> m.loadStateDict(state, true));
        assertTrue(e.getMessage().contains("missing keys [0.bias]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected keys [3.weight]"), e.getMessage());
    }

    @Test void nonStrictLoadingSkipsMissingAndUnexpectedKeys() {
        Sequential m = mlp();
        LinkedHashMap<String, Tensor> state = new LinkedHashMap<>();
        state.put("0.bias", Tensor.ones(8));
        state.put("extra", Tensor.zeros(1));
        m.loadStateDict(state, false);
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1, 1, 1}, m.stateDict().get("0.bias").toFloatArray());
    }

    @Test void zeroGradClearsEveryGradient() {
        Linear lin = new Linear(2, 2);
        lin.weight().setGrad(Tensor.ones(2, 2));
        lin.zeroGrad();
        assertEquals(null, lin.weight().grad());
    }

    @Test void registeringANameTwiceFails() {
        class Twice extends Module {
            Twice() {
                registerModule("a", new ReLU());
                registerModule("a", new ReLU());
            }
        }
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, Twice::new);
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test void nonPositiveLayerSizesFailNamingTheLayer() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new Linear(0, 3));
        assertTrue(e.getMessage().contains("Linear") && e.getMessage().contains("inFeatures"), e.getMessage());
    }

    @Test void summaryListsEveryLayerWithOutputShapeAndParameterCount() {
        String s = mlp().summary(Shape.of(5, 4));
        assertTrue(s.contains("Linear") && s.contains("ReLU"), s);
        assertTrue(s.contains("[5, 8]") && s.contains("[5, 3]"), s);
        assertTrue(s.contains("Total params: 67"), s);
        assertTrue(s.contains("Trainable params: 67"), s);
    }

    @Test void summaryLeavesTrainingModeAndRunningStatsAlone() {
        Sequential m = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
        String s = m.summary(Shape.of(2, 3));
        assertTrue(m.isTraining() && m.get(1).isTraining());
        assertArrayEquals(new float[]{0, 0, 0, 0}, ((BatchNorm1d) m.get(1)).runningMean().toFloatArray());
        assertTrue(s.contains("Non-trainable params: 9"), s); // running mean, var and the batch counter
    }

    @Test void summaryOfAMultiInputModelRunsTheGivenForward() {
        Transformer t = new Transformer(8, 2, 1, 1, TransformerOptions.defaults().withDimFeedforward(16));
        String s = t.summary(m -> ((Transformer) m).forward(Tensor.zeros(2, 5, 8), Tensor.zeros(2, 3, 8)));
        assertTrue(s.contains("decoder.layers.0.multihead_attn") && s.contains("[2, 3, 8]"), s);
        assertTrue(s.contains("encoder.norm") && s.contains("[2, 5, 8]"), s);
    }

    @Test void closingAModuleClosesItsParameters() {
        Linear lin = new Linear(2, 2);
        lin.close();
        assertTrue(lin.weight().isClosed());
    }
}

package dev.nabla.trainers.optim;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OptimizerTest {
    static Tensor param(double... v) { return Tensor.of(v, Shape.of(v.length), DType.FLOAT64, Device.CPU).requiresGrad(true); }

    static Tensor grad(double... v) { return Tensor.of(v, Shape.of(v.length), DType.FLOAT64, Device.CPU); }

    @Test void parametersWithoutGradientAreLeftAlone() {
        Tensor a = param(1, 2), b = param(3, 4);
        SGD sgd = new SGD(List.of(a, b), 0.5);
        a.setGrad(grad(1, 1));
        sgd.step();
        assertArrayEquals(new double[]{0.5, 1.5}, a.toDoubleArray());
        assertArrayEquals(new double[]{3, 4}, b.toDoubleArray());
        assertNull(sgd.state(b));
    }

    @Test void zeroGradClearsEveryGradient() {
        Tensor a = param(1, 2);
        SGD sgd = new SGD(List.of(a), 0.5);
        a.setGrad(grad(1, 1));
        sgd.zeroGrad();
        assertNull(a.grad());
    }

    @Test void groupsWithoutSettingsTakeTheOptimiserDefaults() {
        Tensor a = param(1), b = param(2);
        Adam adam = new Adam(Adam.Options.defaults().lr(0.01).weightDecay(0.1), ParamGroup.of(List.of(a)), ParamGroup.of(List.of(b)).lr(0.5));
        assertEquals(0.01, adam.groups().get(0).lr());
        assertEquals(0.1, adam.groups().get(0).weightDecay());
        assertEquals(0.5, adam.groups().get(1).lr());
        assertEquals(0.5, adam.groups().get(1).initialLr());
    }

    @Test void aParameterInTwoGroupsIsRejected() {
        Tensor a = param(1);
        var e = assertThrows(InvalidArgumentException.class,
                () -> new SGD(SGD.Options.lr(0.1), ParamGroup.of(List.of(a)), ParamGroup.of(List.of(a))));
        assertTrue(e.getMessage().contains("SGD"), e.getMessage());
    }

    @Test void integerParametersAreRejected() {
        Tensor a = Tensor.of(new long[]{1, 2}, Shape.of(2), DType.INT64, Device.CPU);
        var e = assertThrows(InvalidArgumentException.class, () -> ParamGroup.of(List.of(a)));
        assertTrue(e.getMessage().contains("INT64"), e.getMessage());
    }

    @Test void negativeLearningRateIsRejected() {
        var e = assertThrows(InvalidArgumentException.class, () -> Adam.Options.defaults().lr(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test void nesterovWithoutMomentumIsRejected() {
        assertThrows(InvalidArgumentException.class, () -> SGD.Options.lr(0.1).nesterov(true));
    }

    @Test void loadStateDictRejectsABufferOfTheWrongShape() {
        Tensor a = param(1, 2);
        Adam adam = new Adam(List.of(a), 0.1);
        a.setGrad(grad(1, 1));
        adam.step();
        Map<String, Tensor> dict = adam.stateDict();
        dict.put("state.0.exp_avg", grad(1, 2, 3));
        Adam other = new Adam(List.of(param(1, 2)), 0.1);
        var e = assertThrows(ShapeMismatchException.class, () -> other.loadStateDict(dict));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
        assertNull(other.parameters().get(0).grad());
    }

    @Test void loadStateDictRejectsAnUnknownParameterIndex() {
        Tensor a = param(1, 2);
        SGD sgd = new SGD(List.of(a), SGD.Options.lr(0.1).momentum(0.9));
        a.setGrad(grad(1, 1));
        sgd.step();
        Map<String, Tensor> dict = sgd.stateDict();
        dict.put("state.5.step", Tensor.of(new long[]{1}, Shape.scalar(), DType.INT64, Device.CPU));
        var e = assertThrows(InvalidArgumentException.class, () -> new SGD(List.of(param(0, 0)), 0.1).loadStateDict(dict));
        assertTrue(e.getMessage().contains("parameter 5"), e.getMessage());
    }

    @Test void stateDictRestoresTheLearningRates() {
        Tensor a = param(1);
        SGD sgd = new SGD(List.of(a), 0.1);
        sgd.groups().get(0).lr(0.025);
        SGD other = new SGD(List.of(param(1)), 0.1);
        other.loadStateDict(sgd.stateDict());
        assertEquals(0.025, other.groups().get(0).lr());
        assertEquals(0.1, other.groups().get(0).initialLr());
    }
}

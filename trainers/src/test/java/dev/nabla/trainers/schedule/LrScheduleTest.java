package dev.nabla.trainers.schedule;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.trainers.optim.ParamGroup;
import dev.nabla.trainers.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Schedule values at steps 0..39 against torch.optim.lr_scheduler 1.13 (gen_optim.py), base lr 0.1. */
class LrScheduleTest {
    static final Fixtures LRS = Fixtures.load("schedule/lrs.txt");
    static final double BASE = 0.1;

    static void assertMatches(String fixture, LrSchedule s) {
        double[] want = LRS.get(fixture).values();
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], s.lr(BASE, k), 1e-12 * Math.max(1, Math.abs(want[k])) + 1e-15, fixture + " at step " + k);
        }
    }

    @Test void stepDecayMatchesStepLR() { assertMatches("step", new StepDecay(7, 0.5)); }

    @Test void exponentialDecayMatchesExponentialLR() { assertMatches("exponential", new ExponentialDecay(0.9)); }

    @Test void cosineAnnealingMatchesCosineAnnealingLR() { assertMatches("cosine", new CosineAnnealing(30, 0.001)); }

    @Test void linearWarmupThenCosineMatchesSequentialLR() {
        assertMatches("warmup_cosine", new LinearWarmup(5, 0.1, new CosineAnnealing(35, 0)));
    }

    @Test void oneCycleMatchesOneCycleLRDefaults() { assertMatches("onecycle", new OneCycle(40)); }

    @Test void inverseSqrtWarmupMatchesTheTransformerFormula() { assertMatches("inverse_sqrt", new InverseSqrtWarmup(512, 10)); }

    @Test void inverseSqrtWarmupPeaksAtTheEndOfWarmup() {
        InverseSqrtWarmup s = new InverseSqrtWarmup(64, 100);
        assertTrue(s.lr(1, 98) < s.lr(1, 99));
        assertTrue(s.lr(1, 100) < s.lr(1, 99));
        assertEquals(Math.pow(64, -0.5) * Math.pow(100, -0.5), s.lr(1, 99), 1e-15);
    }

    @Test void constantIsTheBaseRate() { assertEquals(0.3, new Constant().lr(0.3, 12345)); }

    @Test void oneCyclePastItsLastStepIsRejected() {
        var e = assertThrows(InvalidArgumentException.class, () -> new OneCycle(10).lr(0.1, 11));
        assertTrue(e.getMessage().contains("step 11"), e.getMessage());
    }

    @Test void invalidParametersAreRejected() {
        assertThrows(InvalidArgumentException.class, () -> new StepDecay(0, 0.5));
        assertThrows(InvalidArgumentException.class, () -> new CosineAnnealing(-1, 0));
        assertThrows(InvalidArgumentException.class, () -> new LinearWarmup(5, 0, new Constant()));
        assertThrows(InvalidArgumentException.class, () -> new ExponentialDecay(0.9).lr(0.1, -1));
    }

    @Test void schedulerScalesEachGroupFromItsOwnInitialRate() {
        Tensor a = Tensor.zeros(Shape.of(1), DType.FLOAT64, Device.CPU).requiresGrad(true);
        Tensor b = Tensor.zeros(Shape.of(1), DType.FLOAT64, Device.CPU).requiresGrad(true);
        SGD sgd = new SGD(SGD.Options.lr(0.1), ParamGroup.of(List.of(a)), ParamGroup.of(List.of(b)).lr(1.0));
        LrScheduler s = new LrScheduler(sgd, new StepDecay(2, 0.5));
        s.step();
        s.step();
        assertEquals(0.05, sgd.groups().get(0).lr(), 1e-15);
        assertEquals(0.5, sgd.groups().get(1).lr(), 1e-15);
        assertEquals(2, s.stepCount());
    }

    @Test void setStepCountRestoresTheRate() {
        Tensor a = Tensor.zeros(Shape.of(1), DType.FLOAT64, Device.CPU).requiresGrad(true);
        SGD sgd = new SGD(List.of(a), 0.1);
        LrScheduler s = new LrScheduler(sgd, new ExponentialDecay(0.5));
        s.setStepCount(3);
        assertEquals(0.0125, s.lastLr(), 1e-15);
    }
}

package dev.nabla.trainers.optim;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each optimiser against torch.optim 1.13 (trainers/src/test/python/gen_optim.py): two parameter groups (the
 * second with its own lr and weight decay), fixed float64 gradients for 8 steps, parameters compared after every step.
 */
class OptimizerGoldenTest {
    static final int STEPS = 8;
    static final int PARAMS = 3;

    /** Builds the optimiser for group 0 = params 0..1 and group 1 = param 2, as in gen_optim.py's CASES. */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("sgd", (Function<List<Tensor>, Optimizer>) p -> new SGD(SGD.Options.lr(0.1),
                g0(p), g1(p).lr(0.05).weightDecay(0.1))));
        cases.add(Arguments.of("sgd_momentum", (Function<List<Tensor>, Optimizer>) p -> new SGD(
                SGD.Options.lr(0.1).momentum(0.9).dampening(0.1).weightDecay(0.01), g0(p), g1(p).lr(0.03))));
        cases.add(Arguments.of("sgd_nesterov", (Function<List<Tensor>, Optimizer>) p -> new SGD(
                SGD.Options.lr(0.1).momentum(0.9).nesterov(true).weightDecay(0.01), g0(p), g1(p).lr(0.2).weightDecay(0))));
        cases.add(Arguments.of("adagrad", (Function<List<Tensor>, Optimizer>) p -> new Adagrad(
                Adagrad.Options.defaults().lr(0.1).lrDecay(0.01).weightDecay(0.01).initialAccumulatorValue(0.1), g0(p), g1(p).lr(0.5))));
        cases.add(Arguments.of("rmsprop", (Function<List<Tensor>, Optimizer>) p -> new RMSProp(
                RMSProp.Options.defaults().lr(0.01).alpha(0.9).weightDecay(0.01), g0(p), g1(p).lr(0.02))));
        cases.add(Arguments.of("rmsprop_centered_momentum", (Function<List<Tensor>, Optimizer>) p -> new RMSProp(
                RMSProp.Options.defaults().lr(0.01).alpha(0.9).momentum(0.5).centered(true).weightDecay(0.01),
                g0(p), g1(p).lr(0.005).weightDecay(0.1))));
        cases.add(Arguments.of("adam", (Function<List<Tensor>, Optimizer>) p -> new Adam(
                Adam.Options.defaults().lr(0.01).betas(0.9, 0.99).weightDecay(0.01), g0(p), g1(p).lr(0.02).weightDecay(0))));
        cases.add(Arguments.of("adam_amsgrad", (Function<List<Tensor>, Optimizer>) p -> new Adam(
                Adam.Options.defaults().lr(0.01).betas(0.8, 0.9).amsgrad(true), g0(p), g1(p).lr(0.05))));
        cases.add(Arguments.of("adamw", (Function<List<Tensor>, Optimizer>) p -> new AdamW(
                AdamW.Options.defaults().lr(0.01).weightDecay(0.1), g0(p), g1(p).lr(0.02).weightDecay(0.3))));
        cases.add(Arguments.of("adamw_amsgrad", (Function<List<Tensor>, Optimizer>) p -> new AdamW(
                AdamW.Options.defaults().lr(0.01).betas(0.85, 0.95).weightDecay(0.05).amsgrad(true), g0(p), g1(p).lr(0.03))));
        cases.add(Arguments.of("radam", (Function<List<Tensor>, Optimizer>) p -> new RAdam(
                RAdam.Options.defaults().lr(0.01).weightDecay(0.01), g0(p), g1(p).lr(0.03).weightDecay(0))));
        return cases.stream();
    }

    static ParamGroup g0(List<Tensor> p) { return ParamGroup.of(p.subList(0, 2)); }

    static ParamGroup g1(List<Tensor> p) { return ParamGroup.of(p.subList(2, 3)); }

    static List<Tensor> params(Fixtures in) {
        List<Tensor> ps = new ArrayList<>();
        for (int i = 0; i < PARAMS; i++) ps.add(in.get("p" + i).tensor(DType.FLOAT64, Device.CPU).requiresGrad(true));
        return ps;
    }

    static void setGrads(Fixtures in, List<Tensor> ps, int step) {
        for (int i = 0; i < PARAMS; i++) ps.get(i).setGrad(in.get("g" + step + "_" + i).tensor(DType.FLOAT64, Device.CPU));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorchAfterEveryStep(String name, Function<List<Tensor>, Optimizer> make) {
        Fixtures in = Fixtures.load("optim/inputs.txt");
        Fixtures want = Fixtures.load("optim/" + name + ".txt");
        List<Tensor> ps = params(in);
        try (Optimizer opt = make.apply(ps)) {
            for (int k = 0; k < STEPS; k++) {
                setGrads(in, ps, k);
                opt.step();
                for (int i = 0; i < PARAMS; i++) {
                    double[] got = ps.get(i).toDoubleArray();
                    double[] exp = want.get("s" + k + "_" + i).values();
                    for (int j = 0; j < exp.length; j++) {
                        assertEquals(exp[j], got[j], 1e-10, name + ": step " + (k + 1) + ", parameter " + i + ", element " + j);
                    }
                }
            }
        } finally {
            ps.forEach(Tensor::close);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stateDictRoundTripContinuesIdentically(String name, Function<List<Tensor>, Optimizer> make) {
        Fixtures in = Fixtures.load("optim/inputs.txt");
        List<Tensor> a = params(in), b = params(in);
        try (Optimizer oa = make.apply(a); Optimizer ob = make.apply(b)) {
            for (int k = 0; k < 3; k++) {
                setGrads(in, a, k);
                oa.step();
            }
            for (int i = 0; i < PARAMS; i++) b.get(i).copyFrom(a.get(i));
            var dict = oa.stateDict();
            ob.loadStateDict(dict);
            dict.values().forEach(Tensor::close);
            for (int k = 3; k < STEPS; k++) {
                setGrads(in, a, k);
                setGrads(in, b, k);
                oa.step();
                ob.step();
            }
            for (int i = 0; i < PARAMS; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(i).toDoubleArray(), b.get(i).toDoubleArray(), name + " parameter " + i);
            }
        } finally {
            a.forEach(Tensor::close);
            b.forEach(Tensor::close);
        }
    }
}

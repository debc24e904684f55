package dev.nabla.trainers.optim;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.random.Generator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fused-kernel optimisers give bit for bit the results of the tensor-op rules they replaced (kept below as
 * the reference): same operations in the same order, in float32 and float64 on the CPU, parameters and every
 * state buffer compared after every step.
 */
class FusedRulesMatchTensorOpsTest {
    static final int STEPS = 6;

    // ---------------------------------------------------------------- the tensor-op rules, as before the fused kernels

    static final class TensorSgd extends Optimizer {
        final SGD.Options o;

        TensorSgd(SGD.Options o, ParamGroup... g) { super("SGD", List.of(g), o.lr(), o.weightDecay()); this.o = o; }

        @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
            Tensor d = group.weightDecay() != 0 ? addScaled(grad, p, group.weightDecay()) : grad;
            double m = o.momentum();
            if (m != 0) {
                Tensor buf = s.buffer("momentum_buffer");
                if (buf == null) {
                    buf = s.buffer("momentum_buffer", d::copy);
                } else {
                    mulInPlace(buf, m);
                    addInPlace(buf, d, 1 - o.dampening());
                }
                d = o.nesterov() ? addScaled(d, buf, m) : buf;
            }
            addInPlace(p, d, -group.lr());
        }
    }

    static final class TensorAdam extends Optimizer {
        final double b1, b2, eps;
        final boolean amsgrad, decoupled;

        TensorAdam(double lr, double b1, double b2, double eps, double wd, boolean amsgrad, boolean decoupled, ParamGroup... g) {
            super("Adam", List.of(g), lr, wd);
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.amsgrad = amsgrad;
            this.decoupled = decoupled;
        }

        @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
            Tensor g = grad;
            if (decoupled) {
                if (group.weightDecay() != 0) mulInPlace(p, 1 - group.lr() * group.weightDecay());
            } else if (group.weightDecay() != 0) {
                g = addScaled(grad, p, group.weightDecay());
            }
            Tensor expAvg = s.buffer("exp_avg", () -> Tensor.zerosLike(p));
            Tensor expAvgSq = s.buffer("exp_avg_sq", () -> Tensor.zerosLike(p));
            mulInPlace(expAvg, b1);
            addInPlace(expAvg, g, 1 - b1);
            mulInPlace(expAvgSq, b2);
            addInPlace(expAvgSq, g.mul(g), 1 - b2);
            long t = s.step();
            double stepSize = group.lr() / (1 - Math.pow(b1, t));
            double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
            Tensor second = expAvgSq;
            if (amsgrad) {
                Tensor max = s.buffer("max_exp_avg_sq", () -> Tensor.zerosLike(p));
                max.applyInPlace(BinaryOp.MAXIMUM, expAvgSq);
                second = max;
            }
            Tensor denom = second.sqrt().div(bc2Sqrt).add(eps);
            addInPlace(p, expAvg.div(denom), -stepSize);
        }
    }

    static final class TensorAdagrad extends Optimizer {
        final Adagrad.Options o;

        TensorAdagrad(Adagrad.Options o, ParamGroup... g) { super("Adagrad", List.of(g), o.lr(), o.weightDecay()); this.o = o; }

        @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
            Tensor sum = s.buffer("sum", () -> Tensor.fullLike(p, o.initialAccumulatorValue()));
            Tensor g = group.weightDecay() != 0 ? addScaled(grad, p, group.weightDecay()) : grad;
            double clr = group.lr() / (1 + (s.step() - 1) * o.lrDecay());
            sum.applyInPlace(BinaryOp.ADD, g.mul(g));
            Tensor std = sum.sqrt().add(o.eps());
            addInPlace(p, g.div(std), -clr);
        }
    }

    static final class TensorRmsProp extends Optimizer {
        final RMSProp.Options o;

        TensorRmsProp(RMSProp.Options o, ParamGroup... g) { super("RMSProp", List.of(g), o.lr(), o.weightDecay()); this.o = o; }

        @Override protected void update(ParamGroup group, Tensor p, Tensor grad, ParamState s) {
            double alpha = o.alpha();
            Tensor squareAvg = s.buffer("square_avg", () -> Tensor.zerosLike(p));
            Tensor g = group.weightDecay() != 0 ? addScaled(grad, p, group.weightDecay()) : grad;
            mulInPlace(squareAvg, alpha);
            addInPlace(squareAvg, g.mul(g), 1 - alpha);
            Tensor avg;
            if (o.centered()) {
                Tensor gradAvg = s.buffer("grad_avg", () -> Tensor.zerosLike(p));
                mulInPlace(gradAvg, alpha);
                addInPlace(gradAvg, g, 1 - alpha);
                avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt();
            } else {
                avg = squareAvg.sqrt();
            }
            avg = avg.add(o.eps());
            if (o.momentum() > 0) {
                Tensor buf = s.buffer("momentum_buffer", () -> Tensor.zerosLike(p));
                mulInPlace(buf, o.momentum());
                buf.applyInPlace(BinaryOp.ADD, g.div(avg));
                addInPlace(p, buf, -group.lr());
            } else {
                addInPlace(p, g.div(avg), -group.lr());
            }
        }
    }

    // ---------------------------------------------------------------- cases: fused and tensor-op builders

    record Pair(String name, Function<List<Tensor>, Optimizer> fused, Function<List<Tensor>, Optimizer> tensorOps) {
        @Override public String toString() { return name; }
    }

    static ParamGroup g0(List<Tensor> p) { return ParamGroup.of(p.subList(0, 2)); }

    static ParamGroup g1(List<Tensor> p) { return ParamGroup.of(p.subList(2, 3)).lr(0.03).weightDecay(0.2); }

    static List<Pair> pairs() {
        List<Pair> out = new ArrayList<>();
        for (SGD.Options o : List.of(SGD.Options.lr(0.1), SGD.Options.lr(0.1).momentum(0.9).dampening(0.2).weightDecay(0.01),
                SGD.Options.lr(0.05).momentum(0.8).nesterov(true))) {
            out.add(new Pair("sgd " + o, p -> new SGD(o, g0(p), g1(p)), p -> new TensorSgd(o, g0(p), g1(p))));
        }
        for (boolean decoupled : new boolean[]{false, true}) {
            for (boolean ams : new boolean[]{false, true}) {
                double wd = decoupled ? 0.05 : 0.01;
                out.add(new Pair((decoupled ? "adamw" : "adam") + (ams ? " amsgrad" : ""),
                        p -> decoupled
                                ? new AdamW(AdamW.Options.defaults().lr(0.01).betas(0.85, 0.95).weightDecay(wd).amsgrad(ams), g0(p), g1(p))
                                : new Adam(Adam.Options.defaults().lr(0.01).betas(0.85, 0.95).weightDecay(wd).amsgrad(ams), g0(p), g1(p)),
                        p -> new TensorAdam(0.01, 0.85, 0.95, 1e-8, wd, ams, decoupled, g0(p), g1(p))));
            }
        }
        Adagrad.Options ao = Adagrad.Options.defaults().lr(0.1).lrDecay(0.01).weightDecay(0.01).initialAccumulatorValue(0.1);
        out.add(new Pair("adagrad", p -> new Adagrad(ao, g0(p), g1(p)), p -> new TensorAdagrad(ao, g0(p), g1(p))));
        for (RMSProp.Options o : List.of(RMSProp.Options.defaults().lr(0.01),
                RMSProp.Options.defaults().lr(0.01).alpha(0.9).momentum(0.5).centered(true).weightDecay(0.01),
                RMSProp.Options.defaults().lr(0.01).momentum(0.7), RMSProp.Options.defaults().centered(true))) {
            out.add(new Pair("rmsprop " + o, p -> new RMSProp(o, g0(p), g1(p)), p -> new TensorRmsProp(o, g0(p), g1(p))));
        }
        return out;
    }

    static Stream<Arguments> cases() {
        return pairs().stream().flatMap(p -> Stream.of(Arguments.of(p, DType.FLOAT64), Arguments.of(p, DType.FLOAT32)));
    }

    static List<Tensor> params(DType dt) {
        Generator gen = new Generator(7);
        List<Tensor> ps = new ArrayList<>();
        for (Shape s : List.of(Shape.of(3, 5), Shape.of(7), Shape.of(2, 1, 4))) {
            ps.add(Tensor.uniform(s, -1, 1, dt, Device.CPU, gen).requiresGrad(true));
        }
        return ps;
    }

    @ParameterizedTest(name = "{0} {1}") @MethodSource("cases")
    void fusedUpdateIsBitIdenticalToTheTensorOpRule(Pair pair, DType dt) {
        List<Tensor> a = params(dt), b = params(dt);
        Generator gen = new Generator(11);
        try (Optimizer fused = pair.fused().apply(a); Optimizer ref = pair.tensorOps().apply(b)) {
            for (int k = 0; k < STEPS; k++) {
                for (int i = 0; i < a.size(); i++) {
                    Tensor g = Tensor.uniform(a.get(i).shape(), -1, 1, dt, Device.CPU, gen);
                    a.get(i).setGrad(g.copy());
                    b.get(i).setGrad(g);
                }
                fused.step();
                ref.step();
                for (int i = 0; i < a.size(); i++) {
                    String what = pair + " " + dt + " step " + (k + 1) + " parameter " + i;
                    assertArrayEquals(b.get(i).toDoubleArray(), a.get(i).toDoubleArray(), what);
                    var fs = fused.state(a.get(i)).buffers();
                    var rs = ref.state(b.get(i)).buffers();
                    assertEquals(rs.keySet().stream().toList(), fs.keySet().stream().toList(), what + " buffer names");
                    for (String name : rs.keySet()) {
                        assertArrayEquals(rs.get(name).toDoubleArray(), fs.get(name).toDoubleArray(), what + " " + name);
                    }
                }
            }
        } finally {
            a.forEach(Tensor::close);
            b.forEach(Tensor::close);
        }
    }
}

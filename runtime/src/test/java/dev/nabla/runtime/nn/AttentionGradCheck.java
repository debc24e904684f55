package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.GradCheck;
import dev.nabla.runtime.Tensor;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The check of {@link GradCheck} (central differences of sum(f * w) for a fixed random w, same eps and
 * tolerances), but seeding the backward with w directly instead of building {@code f.mul(w).sum()}, so
 * the attention tests do not depend on the elementwise and reduce op families.
 */
final class AttentionGradCheck {
    private AttentionGradCheck() {}

    static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor out = f.apply(inputs);
        Random rnd = new Random(1234);
        double[] w = new double[(int) out.numel()];
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextDouble() * 2 - 1;
        out.backward(Tensor.of(w, out.shape(), DType.FLOAT64, out.device()));
        for (int n = 0; n < inputs.length; n++) {
            Tensor in = inputs[n];
            double[] analytic = in.grad().toDoubleArray();
            double[] values = in.toDoubleArray();
            for (int i = 0; i < values.length; i++) {
                double orig = values[i];
                values[i] = orig + GradCheck.EPS;
                double plus = weighted(f, inputs, n, values, w);
                values[i] = orig - GradCheck.EPS;
                double minus = weighted(f, inputs, n, values, w);
                values[i] = orig;
                in.copyFrom(Tensor.of(values, in.shape(), DType.FLOAT64, in.device()));
                double numeric = (plus - minus) / (2 * GradCheck.EPS);
                if (Math.abs(numeric - analytic[i]) > GradCheck.ATOL + GradCheck.RTOL * Math.abs(numeric)) {
                    fail(String.format("%s: input %d %s element %d: analytic %.8g vs numeric %.8g",
                            name, n, in.shape(), i, analytic[i], numeric));
                }
            }
        }
    }

    private static double weighted(Function<Tensor[], Tensor> f, Tensor[] inputs, int n, double[] values, double[] w) {
        inputs[n].copyFrom(Tensor.of(values, inputs[n].shape(), DType.FLOAT64, inputs[n].device()));
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            double[] y = f.apply(inputs).toDoubleArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += y[i] * w[i];
            return s;
        }
    }
}

package dev.nabla.runtime;

import dev.nabla.runtime.random.Generator;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Double-backward check in float64: the derivative of {@code s = sum_k <grad_k, u_k>}, where grad_k is the
 * createGraph gradient of {@code f(inputs)} against upstream {@code v}, is compared with central differences of s
 * computed from plain first-order gradients. (GradCheck cannot do this: it evaluates f without grad mode.)
 */
public final class SecondOrderCheck {
    private static final double EPS = 1e-5, ATOL = 1e-5, RTOL = 1e-3;

    private SecondOrderCheck() {}

    public static void check(String name, Function<Tensor[], Tensor> f, Tensor v, Tensor... inputs) {
        Tensor[] u = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            u[k] = Tensor.uniform(inputs[k].shape(), -1, 1, DType.FLOAT64, inputs[k].device(), new Generator(99 + k));
        }
        Tensor[] g = Autograd.grad(f.apply(inputs), inputs, v, true, true);
        Tensor s = null;
        for (int k = 0; k < inputs.length; k++) {
            Tensor term = g[k].mul(u[k]).sum();
            s = s == null ? term : s.add(term);
        }
        Tensor[] analytic = Autograd.grad(s, inputs, null, false, false);
        for (int k = 0; k < inputs.length; k++) {
            double[] values = inputs[k].toDoubleArray(), a = analytic[k].toDoubleArray();
            for (int i = 0; i < values.length; i++) {
                double orig = values[i];
                values[i] = orig + EPS;
                double plus = firstOrder(f, v, u, inputs, k, values);
                values[i] = orig - EPS;
                double minus = firstOrder(f, v, u, inputs, k, values);
                values[i] = orig;
                inputs[k].copyFrom(Tensor.of(values, inputs[k].shape(), DType.FLOAT64, inputs[k].device()));
                double numeric = (plus - minus) / (2 * EPS);
                if (Math.abs(numeric - a[i]) > ATOL + RTOL * Math.abs(numeric)) {
                    fail(String.format("SecondOrderCheck %s: input %d %s element %d: analytic %.8g vs numeric %.8g",
                            name, k, inputs[k].shape(), i, a[i], numeric));
                }
            }
        }
    }

    private static double firstOrder(Function<Tensor[], Tensor> f, Tensor v, Tensor[] u, Tensor[] inputs, int k, double[] values) {
        inputs[k].copyFrom(Tensor.of(values, inputs[k].shape(), DType.FLOAT64, inputs[k].device()));
        Tensor[] g = Autograd.grad(f.apply(inputs), inputs, v, false, false);
        double s = 0;
        for (int j = 0; j < inputs.length; j++) {
            double[] gv = g[j].toDoubleArray(), uv = u[j].toDoubleArray();
            for (int i = 0; i < gv.length; i++) s += gv[i] * uv[i];
        }
        return s;
    }
}

package dev.nabla.runtime;

import java.util.Arrays;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gradient check in float64: compares autograd's vector-Jacobian product with central finite
 * differences. The scalar checked is {@code sum(f(inputs) * w)} for a fixed random {@code w}, so every
 * output element's gradient is exercised. Inputs must be FLOAT64 and require grad.
 *
 * <pre>{@code
 * Tensor x = TestTensors.randomDouble(0, 3, 4).requiresGrad(true);
 * GradCheck.check("tanh", in -> in[0].tanh(), x);
 * }</pre>
 */
public final class GradCheck {
    public static final double EPS = 1e-6;
    public static final double ATOL = 1e-5;
    public static final double RTOL = 1e-3;

    private GradCheck() {}

    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(name, f, EPS, ATOL, RTOL, inputs);
    }

    public static void check(String name, Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        for (Tensor in : inputs) {
            if (in.dtype() != DType.FLOAT64 || !in.requiresGrad()) {
                throw new IllegalArgumentException("GradCheck " + name + ": inputs must be FLOAT64 and require grad, got "
                        + in.shape() + " " + in.dtype() + " requiresGrad=" + in.requiresGrad());
            }
            in.zeroGrad();
        }
        Tensor out = f.apply(inputs);
        Tensor w = Tensor.uniform(out.shape(), -1, 1, DType.FLOAT64, out.device(), new dev.nabla.runtime.random.Generator(1234));
        out.backward(w);
        double[] wv = w.toDoubleArray();
        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k];
            double[] analytic = in.grad() == null ? new double[(int) in.numel()] : in.grad().toDoubleArray();
            double[] values = in.toDoubleArray();
            for (int i = 0; i < values.length; i++) {
                double orig = values[i];
                values[i] = orig + eps;
                double plus = weightedSum(f, inputs, k, values, wv);
                values[i] = orig - eps;
                double minus = weightedSum(f, inputs, k, values, wv);
                values[i] = orig;
                in.copyFrom(Tensor.of(values, in.shape(), DType.FLOAT64, in.device()));
                double numeric = (plus - minus) / (2 * eps);
                if (Math.abs(numeric - analytic[i]) > atol + rtol * Math.abs(numeric)) {
                    fail(String.format("GradCheck %s: input %d %s element %d: analytic %.8g vs numeric %.8g%n analytic=%s",
                            name, k, in.shape(), i, analytic[i], numeric, Arrays.toString(analytic)));
                }
            }
        }
    }

    private static double weightedSum(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, double[] values, double[] w) {
        inputs[k].copyFrom(Tensor.of(values, inputs[k].shape(), DType.FLOAT64, inputs[k].device()));
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            double[] y = f.apply(inputs).toDoubleArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) s += y[i] * w[i];
            return s;
        }
    }
}

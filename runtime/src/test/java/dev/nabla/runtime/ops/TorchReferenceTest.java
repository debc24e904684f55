package dev.nabla.runtime.ops;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.Fixtures;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.TestTensors;
import dev.nabla.runtime.backend.ReduceOp;
import dev.nabla.runtime.backend.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** PyTorch's exact semantics (runtime/src/test/python/gen_elementwise.py) at kinks, bounds and ties. */
class TorchReferenceTest {
    private static final Fixtures F = Fixtures.load("elementwise/torch_reference.txt");

    private static Tensor t(String name) { return F.get(name).tensor(DType.FLOAT64, Device.CPU); }

    /** Forward and backward (with the fixture's upstream gradient g) of an activation against PyTorch. */
    private static void checkActivation(String name, Function<Tensor, Tensor> f, double rtol) {
        Tensor x = t("x").requiresGrad(true);
        Tensor y = f.apply(x);
        // PyTorch 1.13's CPU gelu is accurate to ~1e-10 relative in the far tail; its hardsigmoid grad uses 1/6 in float.
        TestTensors.assertClose(F.get(name).values(), y, 1e-12, rtol, name);
        y.backward(t("g"));
        TestTensors.assertClose(F.get(name + "_grad").values(), x.grad(), 1e-8, rtol, name + " grad");
    }

    @Test void geluExactMatchesPyTorch() { checkActivation("gelu", Tensor::gelu, 1e-9); }

    @Test void geluTanhMatchesPyTorch() { checkActivation("gelu_tanh", Tensor::geluTanh, 1e-9); }

    @Test void hardSigmoidMatchesPyTorchIncludingItsKinks() { checkActivation("hardsigmoid", Tensor::hardSigmoid, 1e-7); }

    @Test void leakyReluMatchesPyTorchAtZero() { checkActivation("leaky_relu", x -> x.leakyRelu(0.2), 1e-12); }

    @Test void sigmoidMatchesPyTorch() { checkActivation("sigmoid", Tensor::sigmoid, 1e-12); }

    @Test void clampPassesTheGradientAtItsBounds() {
        checkActivation("clamp", x -> x.clamp(-1.2, 1.0), 1e-12);
        checkActivation("clamp_min", x -> ElementwiseOps.unary(UnaryOp.CLAMP, x, 0.4, Double.NaN), 1e-12);
    }

    private static void checkReduceGrad(String name, Function<Tensor, Tensor> f) {
        Tensor r = t("r").requiresGrad(true);
        f.apply(r).sum().backward();
        TestTensors.assertClose(F.get(name).values(), r.grad(), 1e-14, 1e-12, name);
    }

    @Test void amaxAndAminSplitTiesLikePyTorch() {
        checkReduceGrad("amax_grad", r -> r.max(new int[]{1}, false));
        checkReduceGrad("amin_grad", r -> r.min(new int[]{1}, false));
    }

    @Test void prodGradientWithZerosMatchesPyTorch() {
        checkReduceGrad("prod_grad", r -> ReduceOps.reduce(ReduceOp.PROD, r, new int[]{1}, false));
    }

    @Test void logSumExpAndItsGradientMatchPyTorch() {
        TestTensors.assertClose(F.get("logsumexp0").values(), t("r").logSumExp(new int[]{0}, false), 1e-14, 1e-12, "lse");
        checkReduceGrad("logsumexp0_grad", r -> r.logSumExp(new int[]{0}, false));
    }

    @Test void varianceMatchesPyTorch() {
        TestTensors.assertClose(F.get("var_unbiased1").values(), t("r").variance(new int[]{1}, true, false), 1e-14, 1e-12, "var");
        TestTensors.assertClose(F.get("var_biased_all").values(), t("r").variance(null, false, false), 1e-14, 1e-12, "var all");
    }

    @Test void argmaxAndArgminMatchPyTorchOnTiesAndNaN() {
        assertArrayEquals(F.get("argmax1").longs(), t("r").argmax(1, false).toLongArray());
        assertArrayEquals(F.get("argmin1").longs(), t("r").argmin(1, false).toLongArray());
        double[] n = F.get("n").values().clone();
        for (int i = 0; i < n.length; i++) if (n[i] == -12345.0) n[i] = Double.NaN;
        Tensor nt = Tensor.of(n, 2, 4);
        assertArrayEquals(F.get("argmax_nan").longs(), nt.argmax(1, false).toLongArray());
        assertArrayEquals(F.get("argmin_nan").longs(), nt.argmin(1, false).toLongArray());
    }

    @Test void maximumTiesMatchPyTorch() {
        Tensor a = t("max_a").requiresGrad(true), b = t("max_b").requiresGrad(true);
        a.maximum(b).sum().backward();
        assertArrayEquals(F.get("maximum_grad_a").values(), a.grad().toDoubleArray(), 0);
        assertArrayEquals(F.get("maximum_grad_b").values(), b.grad().toDoubleArray(), 0);
    }
}

package dev.nabla.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The backward engine on graphs built from elementwise ops and reductions. */
class AutogradEngineTest {
    private static Tensor x() { return Tensor.of(new double[]{-1.5, 0.5, 2.0}, 3).requiresGrad(true); }

    @Test void gradientsAccumulateOverTwoBackwardCalls() {
        Tensor x = x();
        x.square().sum().backward();
        x.square().sum().backward();
        assertArrayEquals(new double[]{-6, 2, 8}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test void broadcastGradientsReduceToEachInputShape() {
        Tensor b = Tensor.of(new double[]{1, 2, 3}, 3).requiresGrad(true);
        Tensor w = Tensor.of(new double[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor s = Tensor.of(new double[]{10}, 1, 1).requiresGrad(true);
        w.mul(b).add(s).sum().backward();
        assertArrayEquals(new double[]{5, 7, 9}, b.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[]{1, 2, 3, 1, 2, 3}, w.grad().toDoubleArray(), 0);
        assertArrayEquals(new double[]{6}, s.grad().toDoubleArray(), 0);
        TestTensors.assertShape(s.grad(), 1, 1);
    }

    /**
     * A plain backward closes the gradients it made once they are consumed (so their memory is reused while
     * the pass runs); the caller's gradOutput stays open, and gradients handed to several inputs (add's
     * backward passes g on to both) or as views still reach every input correctly.
     */
    @Test void plainBackwardReleasesConsumedGradientsButNotTheCallersOwn() {
        Tensor a = Tensor.of(new double[]{1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor b = Tensor.of(new double[]{-1, 0.5, 2, 1}, 2, 2).requiresGrad(true);
        // a reaches y along four paths, b along two; add hands the same g to both its inputs
        Tensor h = a.add(b).mul(a).add(a.reshape(4).reshape(2, 2).exp());
        Tensor y = h.add(h.mul(b));
        Tensor g = Tensor.of(new double[]{1, -2, 0.5, 3}, 2, 2);
        var be = a.backend();
        long before = TestTensors.settledAllocated(be);
        y.backward(g);
        long plain = be.memoryStats().allocated() - before;
        double[] av = {1, 2, 3, 4}, bv = {-1, 0.5, 2, 1}, gv = {1, -2, 0.5, 3}, ga = new double[4], gb = new double[4];
        for (int i = 0; i < 4; i++) {
            double hi = (av[i] + bv[i]) * av[i] + Math.exp(av[i]);
            double gh = gv[i] * (1 + bv[i]);
            ga[i] = gh * (av[i] + bv[i] + av[i] + Math.exp(av[i]));
            gb[i] = gh * av[i] + gv[i] * hi;
        }
        assertArrayEquals(ga, a.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(gb, b.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(gv, g.toDoubleArray(), 0, "the caller's gradOutput is left open and unchanged");

        // The same pass keeping the graph keeps every gradient until the scope ends: more memory held.
        Tensor a2 = Tensor.of(new double[]{1, 2, 3, 4}, 2, 2).requiresGrad(true);
        Tensor b2 = Tensor.of(new double[]{-1, 0.5, 2, 1}, 2, 2).requiresGrad(true);
        Tensor h2 = a2.add(b2).mul(a2).add(a2.reshape(4).reshape(2, 2).exp());
        Tensor y2 = h2.add(h2.mul(b2));
        long before2 = TestTensors.settledAllocated(be);
        y2.backward(g, true, false);
        long retained = be.memoryStats().allocated() - before2;
        assertArrayEquals(ga, a2.grad().toDoubleArray(), 1e-12);
        org.junit.jupiter.api.Assertions.assertTrue(plain < retained,
                "a plain backward holds " + plain + " B after the pass, one keeping the graph " + retained + " B");
    }

    /** Partial sums of a gradient reached along many paths are added in place; views and shared tensors are not. */
    @Test void manyPathsSumInPlaceWithoutDisturbingSharedGradients() {
        Tensor x = Tensor.of(new double[]{0.5, -1, 2}, 3).requiresGrad(true);
        Tensor v = x.reshape(3, 1).reshape(3);            // a view of x on one path
        Tensor y = x.mul(2).add(x.square()).add(v.exp()).add(x.add(x)).add(v.mul(v).mul(x));
        Tensor g = Tensor.of(new double[]{1, 2, -1}, 3);
        y.backward(g);
        double[] xs = {0.5, -1, 2}, gv = {1, 2, -1}, want = new double[3];
        for (int i = 0; i < 3; i++) want[i] = gv[i] * (2 + 2 * xs[i] + Math.exp(xs[i]) + 2 + 3 * xs[i] * xs[i]);
        assertArrayEquals(want, x.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(gv, g.toDoubleArray(), 0);
    }

    @Test void diamondGraphSumsBothPaths() {
        // y = exp(x) * sin(x): x reaches y along two paths.
        Tensor x = x();
        x.exp().mul(x.sin()).sum().backward();
        double[] xs = {-1.5, 0.5, 2.0}, expected = new double[3];
        for (int i = 0; i < 3; i++) expected[i] = Math.exp(xs[i]) * (Math.sin(xs[i]) + Math.cos(xs[i]));
        assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-14);
    }

    @Test void doubleBackwardOfXCubedIsSixX() {
        Tensor x = x();
        Tensor y = x.pow(3).sum();
        Tensor[] g = Autograd.grad(y, new Tensor[]{x}, null, false, true);
        assertArrayEquals(new double[]{6.75, 0.75, 12}, g[0].toDoubleArray(), 1e-14);
        g[0].sum().backward();
        assertArrayEquals(new double[]{-9, 3, 12}, x.grad().toDoubleArray(), 1e-14);
    }

    @Test void doubleBackwardThroughReductions() {
        // d/dx sum(d/dx logsumexp(x)) = d/dx sum(softmax) = 0; d/dx sum(d/dx mean(x^2)) = 2/n each.
        Tensor x = x();
        Tensor g = Autograd.grad(x.logSumExp(null, false), new Tensor[]{x}, null, false, true)[0];
        g.sum().backward();
        assertArrayEquals(new double[]{0, 0, 0}, x.grad().toDoubleArray(), 1e-15);
        x.zeroGrad();
        Tensor g2 = Autograd.grad(x.square().mean(), new Tensor[]{x}, null, false, true)[0];
        g2.sum().backward();
        assertArrayEquals(new double[]{2.0 / 3, 2.0 / 3, 2.0 / 3}, x.grad().toDoubleArray(), 1e-15);
    }

    @Test void hessianOfMaxAndProdRulesAreDifferentiable() {
        // prod(x) over 3 elements: d2/dx_i dx_j summed over i gives sum over j != i of prod of the rest.
        Tensor x = x();
        Tensor g = Autograd.grad(x.max().add(x.sum(new int[]{0}, false)), new Tensor[]{x}, null, false, true)[0];
        assertArrayEquals(new double[]{1, 1, 2}, g.toDoubleArray(), 0);
        Tensor p = Autograd.grad(dev.nabla.runtime.ops.ReduceOps.reduce(dev.nabla.runtime.backend.ReduceOp.PROD, x, null, false),
                new Tensor[]{x}, null, false, true)[0];
        assertArrayEquals(new double[]{1.0, -3.0, -0.75}, p.toDoubleArray(), 1e-15);
        p.sum().backward();
        assertArrayEquals(new double[]{2.5, 0.5, -1.0}, x.grad().toDoubleArray(), 1e-15);
    }
}

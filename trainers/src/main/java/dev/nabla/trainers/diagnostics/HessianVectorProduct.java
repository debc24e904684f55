package dev.nabla.trainers.diagnostics;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Hessian-vector products H v of a scalar loss with respect to a list of parameters, by Pearlmutter's trick
 * through double backward: g = dL/dθ with {@code createGraph}, then H v = d(g · v)/dθ. Costs about two
 * backward passes and never forms H. Parameters and vectors are flattened as in {@link ParameterVector}.
 *
 * <p>The loss is recomputed from the current parameter values on every call, so moving the parameters
 * (e.g. {@link ParameterVector#assign}) moves the point. FLOAT64 parameters give the most accurate results.
 *
 * <pre>{@code
 * HessianVectorProduct hvp = HessianVectorProduct.of(model.parameters(), () -> loss(model, x, y));
 * double[] hv = hvp.apply(v);
 * try (HessianVectorProduct.Session s = hvp.open()) {   // one gradient graph for many products
 *     double[] h0 = s.apply(e0), h1 = s.apply(e1);
 * }
 * }</pre>
 */
public final class HessianVectorProduct implements SymmetricOperator {
    private final List<Tensor> params;
    private final Supplier<Tensor> loss;
    private final int n;
    private long products;

    private HessianVectorProduct(List<Tensor> params, Supplier<Tensor> loss) {
        ParameterVector.requireNonEmpty("HessianVectorProduct", params);
        if (loss == null) throw new InvalidArgumentException("HessianVectorProduct: the loss supplier is null");
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            p.ensureOpen("HessianVectorProduct");
            if (!p.requiresGrad()) {
                throw new InvalidArgumentException("HessianVectorProduct: parameter " + i + " of shape " + p.shape()
                        + " does not require grad; call requiresGrad(true) on it");
            }
        }
        this.params = List.copyOf(params);
        this.loss = loss;
        this.n = ParameterVector.size(params);
    }

    /** Products for {@code loss}, which recomputes the scalar loss from the current values of {@code params}. */
    public static HessianVectorProduct of(List<Tensor> params, Supplier<Tensor> loss) {
        return new HessianVectorProduct(params, loss);
    }

    /** Products for {@code loss}, called with {@code params} each time. */
    public static HessianVectorProduct of(List<Tensor> params, Function<List<Tensor>, Tensor> loss) {
        List<Tensor> fixed = List.copyOf(params);
        return new HessianVectorProduct(fixed, () -> loss.apply(fixed));
    }

    @Override public int dimension() { return n; }

    public List<Tensor> parameters() { return params; }

    /** How many Hessian-vector products have been computed so far. */
    public long products() { return products; }

    /** The loss at the current parameters (no graph kept). */
    public double loss() {
        try (Scope ignored = Scope.open(); Autograd.NoGrad ng = Autograd.noGrad()) {
            return evaluate().item();
        }
    }

    /** The flattened gradient at the current parameters. */
    public double[] gradient() {
        try (Scope ignored = Scope.open()) {
            Tensor l = evaluate();
            if (!l.requiresGrad()) return new double[n];
            return flatten(Autograd.grad(l, params.toArray(new Tensor[0]), null, false, false));
        }
    }

    /** H v at the current parameters. For many products at one point use {@link #open()}. */
    @Override public double[] apply(double[] v) {
        try (Session s = open()) {
            return s.apply(v);
        }
    }

    /**
     * Builds the differentiable gradient at the current parameters once; the session's products reuse it.
     * Close it (on this thread, before any enclosing {@link Scope}) to free the graph; do not move the
     * parameters while it is open.
     */
    public Session open() { return new Session(); }

    /** The gradient graph at one point, for many products. */
    public final class Session implements SymmetricOperator, AutoCloseable {
        private final Scope scope;
        private final Tensor[] inputs;
        private final Tensor[] grads;
        private final double lossValue;
        private final double[] gradient;

        private Session() {
            scope = Scope.open();
            try {
                inputs = params.toArray(new Tensor[0]);
                Tensor l = evaluate();
                lossValue = l.item();
                grads = l.requiresGrad() ? Autograd.grad(l, inputs, null, true, true) : null;
                gradient = grads == null ? new double[n] : flatten(grads);
            } catch (RuntimeException | Error e) {
                scope.close();
                throw e;
            }
        }

        @Override public int dimension() { return n; }

        public double loss() { return lossValue; }

        /** The gradient at the session's point (a copy). */
        public double[] gradient() { return gradient.clone(); }

        /** H v at the session's point. */
        @Override public double[] apply(double[] v) {
            if (v == null || v.length != n) {
                throw new ShapeMismatchException("HessianVectorProduct.apply: a vector of " + (v == null ? "null" : v.length)
                        + " values for " + n + " parameters (" + ParameterVector.shapes(params) + ")");
            }
            products++;
            if (grads == null) return new double[n];
            try (Scope ignored = Scope.open()) {
                List<Tensor> vs = ParameterVector.unflatten(v, params);
                Tensor gv = null;
                for (int i = 0; i < grads.length; i++) {
                    Tensor term = grads[i].mul(vs.get(i)).sum();
                    gv = gv == null ? term : gv.add(term);
                }
                // A gradient that does not depend on the parameters (a loss linear in them) has a zero Hessian.
                if (!gv.requiresGrad()) return new double[n];
                return flatten(Autograd.grad(gv, inputs, null, true, false));
            }
        }

        @Override public void close() { scope.close(); }
    }

    /**
     * Runs {@code body} on {@code op}, through one {@link Session} when {@code op} is a
     * {@link HessianVectorProduct}, so that all of its products share one gradient graph.
     */
    static <T> T withSession(SymmetricOperator op, Function<SymmetricOperator, T> body) {
        if (op instanceof HessianVectorProduct hvp) {
            try (Session s = hvp.open()) {
                return body.apply(s);
            }
        }
        return body.apply(op);
    }

    private Tensor evaluate() {
        Tensor l = loss.get();
        if (l == null || l.numel() != 1) {
            throw new ShapeMismatchException("HessianVectorProduct: the loss must be a scalar, got "
                    + (l == null ? "null" : "shape " + l.shape()));
        }
        return l;
    }

    private static double[] flatten(Tensor[] ts) { return ParameterVector.flatten(List.of(ts)); }
}

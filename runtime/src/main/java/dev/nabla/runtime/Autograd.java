package dev.nabla.runtime;

import dev.nabla.runtime.backend.BinaryOp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Define-by-run reverse-mode autodiff, in the manner of micrograd: each op records its inputs and a
 * backward closure ({@link #record}); {@link Tensor#backward()} sorts the graph topologically and applies
 * the chain rule. Gradients accumulate into leaves' {@link Tensor#grad()}.
 *
 * <p>Intermediate gradients are ordinary tensors of the enclosing {@link Scope}: run a training step inside
 * a scope and they are released with it. (The engine does not close them itself, because a backward rule
 * may hand the same tensor to several inputs.)
 */
public final class Autograd {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {}

    /** A region where ops record nothing (like {@code torch.no_grad()}); close it to leave. */
    public static final class NoGrad implements AutoCloseable {
        private final int[] depth = NO_GRAD_DEPTH.get();
        private boolean closed;

        private NoGrad() { depth[0]++; }

        @Override public void close() {
            if (!closed) {
                closed = true;
                depth[0]--;
            }
        }
    }

    public static NoGrad noGrad() { return new NoGrad(); }

    public static boolean isGradEnabled() { return NO_GRAD_DEPTH.get()[0] == 0; }

    /** True when grad mode is on and some input requires a gradient. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!isGradEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /**
     * Records {@code out} as produced by {@code op} from {@code inputs}, with backward rule {@code fn},
     * when some input requires a gradient. Returns {@code out}.
     */
    public static Tensor record(Tensor out, String op, Tensor[] inputs, GradFn fn) {
        return record(out, op, inputs, fn, null);
    }

    /**
     * As {@link #record(Tensor, String, Tensor[], GradFn)}, with {@code onFree} run once when a backward
     * without retainGraph has used the rule (to close what only the rule needed). Not run when nothing is
     * recorded or the graph is never freed: what it closes must be owned elsewhere too (a scope).
     */
    public static Tensor record(Tensor out, String op, Tensor[] inputs, GradFn fn, Runnable onFree) {
        if (needsGrad(inputs)) {
            out.requiresGrad = true;
            out.gradFn = new Node(op, inputs.clone(), fn, onFree);
        }
        return out;
    }

    /**
     * The gradients of {@code output} with respect to {@code inputs}, without touching any {@code .grad}
     * (like {@code torch.autograd.grad}). With {@code createGraph} they are themselves differentiable.
     */
    public static Tensor[] grad(Tensor output, Tensor[] inputs, Tensor gradOutput, boolean retainGraph, boolean createGraph) {
        Map<Tensor, Tensor> wanted = new IdentityHashMap<>();
        for (Tensor in : inputs) {
            if (!in.requiresGrad()) {
                throw new AutogradException("grad: an input of shape " + in.shape() + " does not require grad");
            }
            wanted.put(in, null);
        }
        run(output, gradOutput, retainGraph || createGraph, createGraph, wanted);
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = wanted.get(inputs[i]);
            out[i] = g != null ? g : Tensor.zeros(inputs[i].shape(), inputs[i].dtype(), inputs[i].device());
        }
        return out;
    }

    static void backward(Tensor root, Tensor gradOutput, boolean retainGraph, boolean createGraph) {
        run(root, gradOutput, retainGraph, createGraph, null);
    }

    private static void run(Tensor root, Tensor gradOutput, boolean retainGraph, boolean createGraph, Map<Tensor, Tensor> wanted) {
        root.ensureOpen("backward");
        if (!root.requiresGrad()) {
            throw new AutogradException("backward: the tensor of shape " + root.shape()
                    + " does not require grad and has no grad_fn");
        }
        if (gradOutput == null) {
            if (root.numel() != 1) {
                throw new AutogradException("backward: a gradient is needed for a non-scalar output of shape "
                        + root.shape() + "; pass one of the same shape");
            }
            gradOutput = Tensor.onesLike(root);
        } else if (!gradOutput.shape().equals(root.shape())) {
            throw new ShapeMismatchException("backward: gradient of shape " + gradOutput.shape()
                    + " does not match the output shape " + root.shape());
        }
        Tensor userGrad = gradOutput;
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        // Gradients the engine made and has consumed go back to the allocator at once, as PyTorch frees them by
        // reference count: the next op of the same size reuses memory still in cache, and a step's working set
        // stays the size of its activations rather than activations plus every gradient. Only in a plain
        // backward (no retained or recorded graph, no autograd.grad), where no gradient outlives the pass.
        Released released = !retainGraph && !createGraph && wanted == null ? new Released(userGrad) : null;
        grads.put(root, gradOutput);
        if (released != null) released.hold(gradOutput);
        try (NoGrad ignored = createGraph ? null : noGrad()) {
            for (int idx = order.size() - 1; idx >= 0; idx--) {
                Tensor t = order.get(idx);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                if (released != null) released.drop(g);
                if (wanted != null && wanted.containsKey(t)) {
                    Tensor prev = wanted.get(t);
                    wanted.put(t, prev == null ? g : prev.add(g));
                    if (t.gradFn == null) continue;
                }
                if (t.gradFn == null) {
                    if (wanted == null) t.accumulateGrad(g, createGraph); // copies g or adds it into .grad
                    if (released != null) released.closeIfFree(g);
                    continue;
                }
                Node node = t.gradFn;
                Tensor[] ins = node.apply(g);
                if (ins.length != node.inputs.length) {
                    throw new AutogradException("backward of '" + node.op + "' returned " + ins.length
                            + " gradients for " + node.inputs.length + " inputs");
                }
                for (int i = 0; i < ins.length; i++) {
                    Tensor in = node.inputs[i];
                    Tensor gi = ins[i];
                    if (in == null || gi == null || !in.requiresGrad()) continue;
                    if (!gi.shape().equals(in.shape())) {
                        throw new AutogradException("backward of '" + node.op + "' gave a gradient of shape "
                                + gi.shape() + " for input " + i + " of shape " + in.shape());
                    }
                    Tensor prev = grads.get(in);
                    if (released != null && prev != null && released.mutable(prev, gi)) {
                        addInto(prev, gi); // a partial sum nothing else sees: summed in place, no new buffer
                        continue;
                    }
                    Tensor sum = prev == null ? gi : prev.add(gi);
                    grads.put(in, sum);
                    if (released != null) {
                        released.hold(sum);
                        if (prev != null) released.drop(prev);
                    }
                }
                if (released != null) {
                    // g, the partial sums just replaced, and gradients for inputs that take none
                    released.closeIfFree(g);
                    for (Tensor gi : ins) released.closeIfFree(gi);
                    released.closeDropped();
                }
                if (!retainGraph) node.free();
            }
        }
    }

    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        seen.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (int) frame[1];
            Tensor[] ins = t.gradFn == null ? new Tensor[0] : t.gradFn.inputs;
            if (next < ins.length) {
                frame[1] = next + 1;
                Tensor in = ins[next];
                if (in != null && in.requiresGrad() && seen.add(in)) stack.push(new Object[]{in, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order; // inputs before outputs
    }

    /**
     * The gradients held in the engine's map, counted by identity (a backward may hand the same tensor, or g
     * itself, to several inputs), so that a consumed gradient is closed only when nothing still holds it. The
     * caller's own gradOutput is never closed. Closing releases one reference to the storage: a view that an
     * input's gradient still has keeps the buffer.
     */
    private static final class Released {
        private final Tensor userGrad;
        private final Map<Tensor, Integer> holds = new IdentityHashMap<>();
        private final List<Tensor> dropped = new ArrayList<>();

        Released(Tensor userGrad) {
            this.userGrad = userGrad;
        }

        void hold(Tensor t) {
            if (t != null) holds.merge(t, 1, Integer::sum);
        }

        /** One hold fewer; closed later by {@link #closeDropped} if that was the last. */
        void drop(Tensor t) {
            Integer n = holds.get(t);
            if (n == null) return;
            if (n <= 1) holds.remove(t);
            else holds.put(t, n - 1);
            dropped.add(t);
        }

        /**
         * Whether gi may be added into prev in place: prev is held by this one entry alone, is not the caller's
         * tensor, shares its buffer with no view, and has gi's shape and dtype (gi itself is left as it is).
         */
        boolean mutable(Tensor prev, Tensor gi) {
            return prev != gi && prev != userGrad && Integer.valueOf(1).equals(holds.get(prev)) && prev.storageUnshared()
                    && prev.dtype() == gi.dtype() && prev.shape().equals(gi.shape()) && prev.device().equals(gi.device());
        }

        void closeIfFree(Tensor t) {
            if (t != null && t != userGrad && !holds.containsKey(t)) t.close();
        }

        void closeDropped() {
            for (Tensor t : dropped) closeIfFree(t);
            dropped.clear();
        }
    }

    /** In-place accumulation used for leaf gradients outside createGraph. */
    static void addInto(Tensor dst, Tensor src) {
        dst.backend().elementwise().binaryInPlace(BinaryOp.ADD, dst.buffer(), dst.shape(), src.buffer(), src.shape());
    }
}

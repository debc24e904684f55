package dev.nabla.runtime;

/** One recorded op in the autograd graph: its name, its inputs and its backward rule. */
final class Node {
    final String op;
    final Tensor[] inputs;
    private GradFn fn;
    /** Run once when the graph is freed: an op's saved internals go back to the allocator then, not at scope end. */
    private Runnable onFree;

    Node(String op, Tensor[] inputs, GradFn fn) {
        this(op, inputs, fn, null);
    }

    Node(String op, Tensor[] inputs, GradFn fn, Runnable onFree) {
        this.op = op;
        this.inputs = inputs;
        this.fn = fn;
        this.onFree = onFree;
    }

    Tensor[] apply(Tensor grad) {
        if (fn == null) {
            throw new AutogradException("backward: the graph through '" + op + "' was already freed by an earlier "
                    + "backward(); call backward(grad, true) the first time to keep it");
        }
        return fn.apply(grad);
    }

    /** Drops the saved tensors, as PyTorch does after a backward without retain_graph. */
    void free() {
        fn = null;
        Runnable r = onFree;
        onFree = null;
        if (r != null) r.run();
    }
}

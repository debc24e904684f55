package dev.nabla.runtime;

/** One recorded op in the autograd graph: its name, its inputs and its backward rule. */
final class Node {
    final String op;
    final Tensor[] inputs;
    private GradFn fn;

    Node(String op, Tensor[] inputs, GradFn fn) {
        this.op = op;
        this.inputs = inputs;
        this.fn = fn;
    }

    Tensor[] apply(Tensor grad) {
        if (fn == null) {
            throw new AutogradException("backward: the graph through '" + op + "' was already freed by an earlier "
                    + "backward(); call backward(grad, true) the first time to keep it");
        }
        return fn.apply(grad);
    }

    /** Drops the saved tensors, as PyTorch does after a backward without retain_graph. */
    void free() { fn = null; }
}

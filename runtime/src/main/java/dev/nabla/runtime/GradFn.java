package dev.nabla.runtime;

/**
 * The backward rule of one recorded op: from the gradient of its output, the gradients of its inputs,
 * in the order the inputs were recorded (null where an input needs none). Written with tensor ops, so
 * that with {@code createGraph} the backward pass is itself differentiable (Hessian-vector products).
 */
@FunctionalInterface
public interface GradFn {
    Tensor[] apply(Tensor gradOutput);
}

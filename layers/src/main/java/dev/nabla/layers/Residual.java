package dev.nabla.layers;

import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;

/** x + f(x): a skip connection around {@code f}, which must keep the shape. The child is named {@code fn}. */
public class Residual extends Module {
    private final Module fn;

    public Residual(Module fn) { this.fn = registerModule("fn", fn); }

    public Module fn() { return fn; }

    @Override public Tensor forward(Tensor x) {
        Tensor y = fn.call(x);
        if (!y.shape().equals(x.shape())) {
            throw new ShapeMismatchException("Residual: the wrapped " + fn.getClass().getSimpleName() + " maps "
                    + x.shape() + " to " + y.shape() + "; a residual needs the same shape");
        }
        return x.add(y);
    }
}

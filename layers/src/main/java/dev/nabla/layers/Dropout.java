package dev.nabla.layers;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;

/**
 * Inverted dropout: in training, zeroes each element with probability p and scales the rest by 1/(1-p); in
 * evaluation, the identity. Masks come from the given generator (the global one by default).
 */
public class Dropout extends Module {
    private final double p;
    private final Generator generator;

    public Dropout(double p) { this(p, null); }

    /** {@code generator} null means {@link Generator#global()}. */
    public Dropout(double p, Generator generator) {
        if (!(p >= 0 && p < 1)) throw new InvalidArgumentException("Dropout: p must be in [0, 1), got " + p);
        this.p = p;
        this.generator = generator;
    }

    public double p() { return p; }

    @Override public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        return F.dropout(x, p, true, generator == null ? Generator.global() : generator);
    }

    @Override protected String extraRepr() { return "p=" + p; }
}

package dev.nabla.layers;

import dev.nabla.runtime.Tensor;

/** Flattens axes startAxis..endAxis into one (default 1..-1: [n, c, h, w] -> [n, c*h*w]). */
public class Flatten extends Module {
    private final int startAxis;
    private final int endAxis;

    public Flatten() { this(1, -1); }

    public Flatten(int startAxis, int endAxis) {
        this.startAxis = startAxis;
        this.endAxis = endAxis;
    }

    @Override public Tensor forward(Tensor x) { return x.flatten(startAxis, endAxis); }

    @Override protected String extraRepr() { return "startAxis=" + startAxis + ", endAxis=" + endAxis; }
}

package dev.nabla.layers;

import dev.nabla.runtime.Tensor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Runs its children in order, each on the previous one's output. Children are named {@code 0, 1, ...}, so a
 * parameter is {@code 2.weight}, as in PyTorch.
 */
public class Sequential extends Module implements Iterable<Module> {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... layers) {
        for (Module m : layers) add(m);
    }

    /** Appends a layer; returns this. */
    public Sequential add(Module layer) {
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    public Module get(int index) { return layers.get(index); }

    public int size() { return layers.size(); }

    @Override public Iterator<Module> iterator() { return List.copyOf(layers).iterator(); }

    @Override public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Module m : layers) y = m.call(y);
        return y;
    }
}

package dev.nabla.layers;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Holds child modules under the names {@code 0, 1, ...} without defining a forward (the owner runs them). */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public ModuleList() {}

    public ModuleList(List<? extends M> modules) {
        for (M m : modules) add(m);
    }

    public ModuleList<M> add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return this;
    }

    public M get(int index) { return items.get(index); }

    public int size() { return items.size(); }

    @Override public Iterator<M> iterator() { return List.copyOf(items).iterator(); }
}

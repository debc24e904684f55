package dev.nabla.trainers.optim;

import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An optimiser's per-parameter state: the number of updates applied to the parameter and named buffers
 * (moments, momentum). Buffers live outside every scope, on the parameter's device; the optimiser owns them.
 */
public final class ParamState {
    private long step;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    /** Updates applied to this parameter so far (incremented before each update, as PyTorch's {@code state['step']}). */
    public long step() { return step; }

    void step(long value) { step = value; }

    /** The buffer {@code name}, created by {@code init} (outside any scope) the first time. */
    public Tensor buffer(String name, Supplier<Tensor> init) {
        Tensor t = buffers.get(name);
        if (t == null) {
            t = Scope.detach(init.get());
            buffers.put(name, t);
        }
        return t;
    }

    /** The buffer {@code name}, or null when it was never created. */
    public Tensor buffer(String name) { return buffers.get(name); }

    Map<String, Tensor> buffers() { return buffers; }

    void put(String name, Tensor t) {
        Tensor old = buffers.put(name, Scope.detach(t));
        if (old != null && old != t) old.close();
    }

    void close() {
        buffers.values().forEach(Tensor::close);
        buffers.clear();
    }
}

package dev.nabla.trainers;

import dev.nabla.layers.Module;
import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the {@link Trainer} needs of a model: a forward pass, the trainable parameters, and the named state
 * (parameters and persistent buffers, the live tensors) for checkpoints. A {@code dev.nabla.layers.Module}
 * adapts with {@link #of(Module)}; a model written directly with tensors uses {@link #of(Function, Map)}.
 */
public interface Model {
    Tensor forward(Tensor input);

    /** The tensors the optimiser updates. */
    List<Tensor> parameters();

    /** Parameters and persistent buffers by name: the live tensors, not copies. */
    Map<String, Tensor> stateDict();

    /** Switches training behaviour (dropout, batch-norm statistics) on or off. */
    default void train(boolean training) {}

    /**
     * Copies {@code state}'s values into this model's tensors of the same names. Every name must match and every
     * shape and dtype must agree; this is checked before anything is copied.
     */
    default void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new InvalidArgumentException("Model.loadStateDict: missing keys " + missing + ", unexpected keys " + unexpected);
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (!src.shape().equals(e.getValue().shape()) || src.dtype() != e.getValue().dtype()) {
                throw new ShapeMismatchException("Model.loadStateDict: '" + e.getKey() + "' is " + src.shape() + " " + src.dtype()
                        + " in the state but " + e.getValue().shape() + " " + e.getValue().dtype() + " in the model");
            }
        }
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != e.getValue()) e.getValue().copyFrom(src);
            }
        }
    }

    /** A layers {@link Module}: its forward (with hooks), trainable parameters, state dict, train/eval switch. */
    static Model of(Module module) {
        if (module == null) throw new InvalidArgumentException("Model.of: module must not be null");
        return new Model() {
            @Override public Tensor forward(Tensor input) { return module.call(input); }

            @Override public List<Tensor> parameters() { return module.parameters(); }

            @Override public Map<String, Tensor> stateDict() { return module.stateDict(); }

            @Override public void train(boolean training) { module.train(training); }

            @Override public void loadStateDict(Map<String, Tensor> state) { module.loadStateDict(state); }

            @Override public String toString() { return module.toString(); }
        };
    }

    /** A model whose state is exactly {@code params} (all trainable), e.g. a network written directly with tensors. */
    static Model of(Function<Tensor, Tensor> forward, Map<String, Tensor> params) {
        Map<String, Tensor> named = new LinkedHashMap<>(params);
        List<Tensor> list = List.copyOf(named.values());
        return new Model() {
            @Override public Tensor forward(Tensor input) { return forward.apply(input); }

            @Override public List<Tensor> parameters() { return list; }

            @Override public Map<String, Tensor> stateDict() { return named; }
        };
    }
}

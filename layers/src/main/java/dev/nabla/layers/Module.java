package dev.nabla.layers;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.random.Generator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A layer or a model: it owns named parameters and buffers and named child modules, like
 * {@code torch.nn.Module}. Names are hierarchical ({@code encoder.layers.0.self_attn.q_proj.weight}).
 *
 * <p>Subclasses register what they own in their constructor and override {@link #forward(Tensor)} (or a
 * forward with more inputs). Parameters are created on the default device in FLOAT32 and initialised as
 * PyTorch does, from {@link Generator#global()} (seed it with {@link Generator#manualSeed}); move or convert
 * a model with {@link #to(Device)} / {@link #to(DType)}, re-initialise it with {@link #resetParameters}.
 *
 * <pre>{@code
 * Module model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3));
 * Tensor logits = model.forward(x);
 * System.out.println(model.summary(Shape.of(8, 4)));
 * }</pre>
 *
 * <p>Hooks ({@link #addForwardHook}) fire when a module is run through {@link #call(Tensor)} or through a
 * forward that takes several inputs; the containers and layers of this package call their children that way.
 */
public abstract class Module implements AutoCloseable {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Parameter> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<ForwardHook> hooks = new ArrayList<>();
    private boolean training = true;

    /** Called after a module's forward with the module and its output. */
    @FunctionalInterface
    public interface ForwardHook {
        void afterForward(Module module, Tensor output);
    }

    // ---------------------------------------------------------------- forward

    /** The layer's computation on one input. Modules that need several inputs say so in their message. */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + ".forward(Tensor): this module takes "
                + "other inputs; see its forward methods");
    }

    /** {@link #forward(Tensor)} followed by this module's forward hooks. Containers run children this way. */
    public final Tensor call(Tensor x) { return hooked(forward(x)); }

    /** Runs the forward hooks on {@code out} and returns it; multi-input forwards end with this. */
    protected final Tensor hooked(Tensor out) {
        for (ForwardHook h : List.copyOf(hooks)) h.afterForward(this, out);
        return out;
    }

    /** Adds a hook; closing the returned handle removes it. */
    public AutoCloseable addForwardHook(ForwardHook hook) {
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    // ---------------------------------------------------------------- registration

    /** Registers {@code t} as a trainable parameter {@code name}; returns its slot. A null tensor registers nothing. */
    protected final Parameter registerParameter(String name, Tensor t) {
        if (t == null) return null;
        checkName(name);
        if (!t.dtype().isFloating()) {
            throw new InvalidArgumentException(getClass().getSimpleName() + ".registerParameter('" + name
                    + "'): parameters must be floating, got " + t.dtype());
        }
        Parameter p = new Parameter(t, true, true);
        params.put(name, p);
        return p;
    }

    /** Registers {@code t} as a buffer saved in the state dict. */
    protected final Parameter registerBuffer(String name, Tensor t) { return registerBuffer(name, t, true); }

    /** Registers {@code t} as a buffer; a non-persistent one is moved with the module but not saved. */
    protected final Parameter registerBuffer(String name, Tensor t, boolean persistent) {
        if (t == null) return null;
        checkName(name);
        Parameter p = new Parameter(t, false, persistent);
        buffers.put(name, p);
        return p;
    }

    /** Registers a child module under {@code name}; returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        if (module == null) return null;
        checkName(name);
        if (module == this) throw new InvalidArgumentException("registerModule('" + name + "'): a module cannot contain itself");
        children.put(name, module);
        return module;
    }

    /** A FLOAT32 tensor of zeros on the default device, for a layer to register and then initialise. */
    protected static Tensor newTensor(int... dims) {
        for (int d : dims) {
            if (d <= 0) throw new InvalidArgumentException("a layer size must be positive, got shape " + java.util.Arrays.toString(dims));
        }
        return Tensor.zeros(Shape.of(dims), DType.FLOAT32, Tensor.defaultDevice());
    }

    /** Fails naming the layer when a size is not positive. */
    protected final void requirePositive(String what, int value) {
        if (value <= 0) throw new InvalidArgumentException(getClass().getSimpleName() + ": " + what + " must be positive, got " + value);
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new InvalidArgumentException(getClass().getSimpleName() + ": a parameter, buffer or module name must be "
                    + "non-empty and contain no '.', got '" + name + "'");
        }
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new InvalidArgumentException(getClass().getSimpleName() + ": the name '" + name + "' is already registered");
        }
    }

    // ---------------------------------------------------------------- traversal

    /** The direct children, by name, in registration order. */
    public Map<String, Module> namedChildren() { return Collections.unmodifiableMap(children); }

    public List<Module> children() { return List.copyOf(children.values()); }

    /** This module ("" ) and every descendant, depth first, by hierarchical name. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out);
        return out;
    }

    private static void collectModules(String prefix, Module m, Map<String, Module> out) {
        if (out.containsValue(m)) return; // shared modules are listed once, like PyTorch
        out.put(prefix, m);
        for (Map.Entry<String, Module> c : m.children.entrySet()) collectModules(join(prefix, c.getKey()), c.getValue(), out);
    }

    /** Applies {@code fn} to every module, children first then this one (like {@code nn.Module.apply}). */
    public Module apply(Consumer<Module> fn) {
        for (Module c : children.values()) c.apply(fn);
        fn.accept(this);
        return this;
    }

    /** The parameter slots owned directly by this module. */
    protected final Map<String, Parameter> ownParameters() { return Collections.unmodifiableMap(params); }

    protected final Map<String, Parameter> ownBuffers() { return Collections.unmodifiableMap(buffers); }

    /** Every trainable tensor, by hierarchical name, each once. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : slots(true, false, true).entrySet()) out.put(e.getKey(), e.getValue().data());
        return out;
    }

    /** Every trainable tensor, each once, in a stable order (give this to an optimiser). */
    public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** Every buffer (persistent or not), by hierarchical name. */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : slots(false, true, false).entrySet()) out.put(e.getKey(), e.getValue().data());
        return out;
    }

    /** Parameter and/or buffer slots by hierarchical name, a module's own first, then its children's. */
    Map<String, Parameter> slots(boolean withParams, boolean withBuffers, boolean onlyPersistentBuffers) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        java.util.Set<Parameter> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Map.Entry<String, Module> me : namedModules().entrySet()) {
            Module m = me.getValue();
            if (withParams) {
                for (Map.Entry<String, Parameter> e : m.params.entrySet()) {
                    if (seen.add(e.getValue())) out.put(join(me.getKey(), e.getKey()), e.getValue());
                }
            }
            if (withBuffers) {
                for (Map.Entry<String, Parameter> e : m.buffers.entrySet()) {
                    if ((!onlyPersistentBuffers || e.getValue().isPersistent()) && seen.add(e.getValue())) {
                        out.put(join(me.getKey(), e.getKey()), e.getValue());
                    }
                }
            }
        }
        return out;
    }

    private static String join(String prefix, String name) { return prefix.isEmpty() ? name : prefix + "." + name; }

    /** The number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : parameters()) n += t.numel();
        return n;
    }

    // ---------------------------------------------------------------- modes

    /** Training mode for this module and all descendants (dropout active, batch statistics). */
    public Module train() { return train(true); }

    public Module train(boolean on) {
        apply(m -> m.training = on);
        return this;
    }

    /** Evaluation mode for this module and all descendants. */
    public Module eval() { return train(false); }

    public boolean isTraining() { return training; }

    /** Sets this module's own flag only (for restoring saved modes). */
    final void setTrainingFlag(boolean on) { training = on; }

    /** Clears the gradient of every parameter. */
    public void zeroGrad() {
        for (Tensor p : parameters()) p.zeroGrad();
    }

    /**
     * Re-initialises every parameter as the layer's PyTorch default does, drawing from {@code gen}. The base
     * implementation resets the children in order; layers with parameters override it.
     */
    public void resetParameters(Generator gen) {
        for (Module c : children.values()) c.resetParameters(gen);
    }

    // ---------------------------------------------------------------- device and dtype

    /** Moves every parameter and buffer to {@code device} (gradients are dropped). Returns this. */
    public Module to(Device device) {
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Parameter p : slots(true, true, false).values()) {
                Tensor old = p.data();
                if (old.device().equals(device)) continue;
                p.set(old.to(device));
            }
        }
        return this;
    }

    /** Converts every floating parameter and buffer to {@code dtype} (FLOAT32 or FLOAT64). Returns this. */
    public Module to(DType dtype) {
        if (!dtype.isFloating()) {
            throw new InvalidArgumentException(getClass().getSimpleName() + ".to: parameters must be floating, got " + dtype);
        }
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Parameter p : slots(true, true, false).values()) {
                Tensor old = p.data();
                if (!old.dtype().isFloating() || old.dtype() == dtype) continue;
                p.set(old.to(dtype));
            }
        }
        return this;
    }

    /** The dtype of the first floating parameter or buffer, or FLOAT32 for a module without any. */
    public DType dtype() {
        for (Parameter p : slots(true, true, false).values()) if (p.data().dtype().isFloating()) return p.data().dtype();
        return DType.FLOAT32;
    }

    /** The device of the first parameter or buffer, or the default device. */
    public Device device() {
        for (Parameter p : slots(true, true, false).values()) return p.data().device();
        return Tensor.defaultDevice();
    }

    // ---------------------------------------------------------------- state

    /** Parameters and persistent buffers by hierarchical name: the live tensors, not copies (as PyTorch). */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : slots(true, true, true).entrySet()) out.put(e.getKey(), e.getValue().data());
        return out;
    }

    /** {@link #loadStateDict(Map, boolean)} with strict checking. */
    public void loadStateDict(Map<String, Tensor> state) { loadStateDict(state, true); }

    /**
     * Copies values from {@code state} into this module's parameters and buffers (converting dtype and device).
     * Everything is checked before anything is copied: a mis-shaped entry always fails, naming the entry and both
     * shapes; with {@code strict}, missing and unexpected names fail too.
     *
     * @throws ShapeMismatchException when an entry's shape differs from the module's
     * @throws InvalidArgumentException when {@code strict} and names are missing or unexpected
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Parameter> own = slots(true, true, true);
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String name : own.keySet()) if (!state.containsKey(name)) missing.add(name);
        for (String name : state.keySet()) if (!own.containsKey(name)) unexpected.add(name);
        for (Map.Entry<String, Parameter> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) continue;
            Shape want = e.getValue().data().shape();
            if (!src.shape().equals(want)) {
                throw new ShapeMismatchException("loadStateDict: size mismatch for '" + e.getKey() + "': the state has shape "
                        + src.shape() + " but the model's parameter has shape " + want);
            }
            src.ensureOpen("loadStateDict('" + e.getKey() + "')");
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            StringBuilder sb = new StringBuilder("loadStateDict: error(s) loading the state into ")
                    .append(getClass().getSimpleName()).append(':');
            if (!missing.isEmpty()) sb.append(" missing keys ").append(missing).append(';');
            if (!unexpected.isEmpty()) sb.append(" unexpected keys ").append(unexpected).append(';');
            throw new InvalidArgumentException(sb.toString());
        }
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Map.Entry<String, Parameter> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src == null) continue;
                Tensor dst = e.getValue().data();
                if (src == dst) continue;
                if (src.dtype() == dst.dtype()) {
                    dst.copyFrom(src);
                } else {
                    try (Tensor cast = src.to(dst.dtype())) {
                        dst.copyFrom(cast);
                    }
                }
            }
        }
    }

    /** Closes every parameter and buffer (and their gradients); the module cannot be used afterwards. */
    @Override public void close() {
        for (Parameter p : slots(true, true, false).values()) p.data().close();
    }

    // ---------------------------------------------------------------- description

    /** A Keras-like table of every module's output shape and parameter count, for an input of {@code inputShape}. */
    public String summary(Shape inputShape) { return ModelSummary.summarize(this, inputShape, dtype()); }

    /** As {@link #summary(Shape)} with an input of {@code inputDType} (INT64 for token ids). */
    public String summary(Shape inputShape, DType inputDType) { return ModelSummary.summarize(this, inputShape, inputDType); }

    /**
     * The summary table for a model whose forward takes several inputs: {@code forward} runs it (under no-grad, in
     * evaluation mode, inside a scope that frees everything), e.g.
     * {@code t.summary(m -> ((Transformer) m).forward(src, tgt))}.
     */
    public String summary(java.util.function.Consumer<Module> forward) {
        return ModelSummary.summarize(this, "Input: supplied by the caller", forward);
    }

    /** Prints {@link #summary(Shape)} to standard output. */
    public void printSummary(Shape inputShape) { System.out.println(summary(inputShape)); }

    /** A short description of the layer's configuration, e.g. {@code in=4, out=3, bias=true}. */
    protected String extraRepr() { return ""; }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            for (Map.Entry<String, Module> c : children.entrySet()) {
                sb.append("  (").append(c.getKey()).append("): ")
                        .append(c.getValue().toString().replace("\n", "\n  ")).append('\n');
            }
        }
        return sb.append(')').toString();
    }
}

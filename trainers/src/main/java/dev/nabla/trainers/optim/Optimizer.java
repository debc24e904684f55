package dev.nabla.trainers.optim;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.Device;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Buffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Updates parameters from their gradients. Subclasses implement one update rule in {@link #update}, either with
 * the backend's fused kernels ({@code param.backend().optim()}: SGD, Adam/AdamW, Adagrad, RMSProp) or with tensor
 * ops and in-place writes ({@link Tensor#applyInPlace}, {@link Tensor#copyFrom}; RAdam); {@link #step} runs it for
 * every parameter that has a gradient, under {@link Autograd#noGrad()} and inside a scope that closes the
 * temporaries. The rules follow PyTorch 1.13's {@code torch.optim} (single-tensor path) term by term.
 *
 * <p>State for checkpoints is a flat map of named tensors ({@link #stateDict()}): {@code state.<i>.step}
 * (INT64 scalar) and {@code state.<i>.<buffer>} for the i-th parameter counted across groups, and
 * {@code param_groups.<g>.lr}, {@code .initial_lr}, {@code .weight_decay} (FLOAT64 scalars).
 */
public abstract class Optimizer implements AutoCloseable {
    private final String name;
    private final List<ParamGroup> groups;
    private final List<Tensor> flat = new ArrayList<>();
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();

    protected Optimizer(String name, List<ParamGroup> groups, double defaultLr, double defaultWeightDecay) {
        this.name = name;
        if (groups == null || groups.isEmpty()) throw new InvalidArgumentException(name + ": needs at least one parameter group");
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup g : groups) {
            g.fillDefaults(defaultLr, defaultWeightDecay);
            for (Tensor p : g.params()) {
                if (!seen.add(p)) throw new InvalidArgumentException(name + ": parameter " + p.shape() + " appears in more than one place");
                flat.add(p);
            }
        }
        this.groups = List.copyOf(groups);
    }

    /** The parameter groups (their lr may be changed, e.g. by a schedule). */
    public List<ParamGroup> groups() { return groups; }

    /** Every parameter, group by group. */
    public List<Tensor> parameters() { return Collections.unmodifiableList(flat); }

    /** The state of {@code param}, or null before its first update. */
    public ParamState state(Tensor param) { return state.get(param); }

    /** Applies one update to every parameter that has a gradient. */
    public void step() {
        try (Autograd.NoGrad ignored = Autograd.noGrad(); Scope scope = Scope.open()) {
            for (ParamGroup g : groups) {
                for (Tensor p : g.params()) {
                    Tensor grad = p.grad();
                    if (grad == null) continue;
                    p.ensureOpen(name + ".step");
                    ParamState s = state.computeIfAbsent(p, k -> new ParamState());
                    s.step(s.step() + 1);
                    update(g, p, grad, s);
                }
            }
        }
    }

    /**
     * Updates {@code param} in place from {@code grad}; {@code state.step()} was already incremented.
     * Runs under no-grad inside a scope: temporaries need no closing; buffers come from {@link ParamState#buffer}.
     */
    protected abstract void update(ParamGroup group, Tensor param, Tensor grad, ParamState state);

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Tensor p : flat) p.zeroGrad();
    }

    // ------------------------------------------------------------------ helpers for update rules

    /** The tensor's buffer, or null for a null tensor (optional state of the fused {@code optim()} kernels). */
    protected static Buffer buffer(Tensor t) { return t == null ? null : t.buffer(); }

    /** x + alpha * y, a new tensor (PyTorch's {@code x.add(y, alpha=...)}). */
    protected static Tensor addScaled(Tensor x, Tensor y, double alpha) { return x.add(alpha == 1 ? y : y.mul(alpha)); }

    /** dst += alpha * y in place. */
    protected static void addInPlace(Tensor dst, Tensor y, double alpha) {
        dst.applyInPlace(dev.nabla.runtime.backend.BinaryOp.ADD, alpha == 1 ? y : y.mul(alpha));
    }

    /** dst *= s in place. */
    protected static void mulInPlace(Tensor dst, double s) {
        dst.applyInPlace(dev.nabla.runtime.backend.BinaryOp.MUL, Tensor.scalar(s, dst.dtype(), dst.device()));
    }

    // ------------------------------------------------------------------ state for checkpoints

    /** A copy of the optimiser's state as named tensors (the caller owns them). */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup pg = groups.get(g);
            out.put("param_groups." + g + ".lr", f64(pg.lr()));
            out.put("param_groups." + g + ".initial_lr", f64(pg.initialLr()));
            out.put("param_groups." + g + ".weight_decay", f64(pg.weightDecay()));
        }
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (int i = 0; i < flat.size(); i++) {
                ParamState s = state.get(flat.get(i));
                if (s == null) continue;
                out.put("state." + i + ".step", Tensor.of(new long[]{s.step()}, Shape.scalar(), DType.INT64, Device.CPU));
                for (Map.Entry<String, Tensor> b : s.buffers().entrySet()) out.put("state." + i + "." + b.getKey(), b.getValue().copy());
            }
        }
        return out;
    }

    /**
     * Replaces the optimiser's state with {@code dict} (as written by {@link #stateDict()} of an optimiser of the
     * same kind over parameters of the same shapes). Everything is validated before anything changes; the
     * tensors are copied, the caller keeps ownership of {@code dict}.
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        Map<Integer, Map<String, Tensor>> perParam = new LinkedHashMap<>();
        Set<Integer> groupsSeen = new TreeSet<>();
        for (Map.Entry<String, Tensor> e : dict.entrySet()) {
            String key = e.getKey();
            String[] parts = key.split("\\.", 3);
            if (parts.length != 3) throw bad("unexpected key '" + key + "'");
            int index;
            try {
                index = Integer.parseInt(parts[1]);
            } catch (NumberFormatException ex) {
                throw bad("unexpected key '" + key + "'");
            }
            switch (parts[0]) {
                case "param_groups" -> {
                    if (index < 0 || index >= groups.size()) throw bad("key '" + key + "' names group " + index + " but there are " + groups.size());
                    if (!List.of("lr", "initial_lr", "weight_decay").contains(parts[2])) throw bad("unexpected key '" + key + "'");
                    if (e.getValue().numel() != 1) throw bad("'" + key + "' must hold one value, it has shape " + e.getValue().shape());
                    groupsSeen.add(index);
                }
                case "state" -> {
                    if (index < 0 || index >= flat.size()) throw bad("key '" + key + "' names parameter " + index + " but there are " + flat.size());
                    Tensor t = e.getValue();
                    if (!parts[2].equals("step") && !t.shape().equals(flat.get(index).shape())) {
                        throw new ShapeMismatchException(name + ".loadStateDict: '" + key + "' has shape " + t.shape()
                                + " but parameter " + index + " has shape " + flat.get(index).shape());
                    }
                    if (parts[2].equals("step") && t.numel() != 1) throw bad("'" + key + "' must hold one value, it has shape " + t.shape());
                    perParam.computeIfAbsent(index, k -> new LinkedHashMap<>()).put(parts[2], t);
                }
                default -> throw bad("unexpected key '" + key + "'");
            }
        }
        if (groupsSeen.size() != groups.size()) throw bad("the state has " + groupsSeen.size() + " parameter groups, this optimiser " + groups.size());
        for (Map.Entry<Integer, Map<String, Tensor>> e : perParam.entrySet()) {
            if (!e.getValue().containsKey("step")) throw bad("parameter " + e.getKey() + " has buffers but no 'step'");
        }
        for (int g = 0; g < groups.size(); g++) {
            ParamGroup pg = groups.get(g);
            pg.lr(dict.get("param_groups." + g + ".lr").item());
            pg.initialLr(dict.get("param_groups." + g + ".initial_lr").item());
            pg.weightDecay(dict.get("param_groups." + g + ".weight_decay").item());
        }
        state.values().forEach(ParamState::close);
        state.clear();
        try (Autograd.NoGrad ignored = Autograd.noGrad()) {
            for (Map.Entry<Integer, Map<String, Tensor>> e : perParam.entrySet()) {
                Tensor p = flat.get(e.getKey());
                ParamState s = new ParamState();
                for (Map.Entry<String, Tensor> b : e.getValue().entrySet()) {
                    Tensor src = b.getValue();
                    if (b.getKey().equals("step")) {
                        s.step((long) src.item());
                        continue;
                    }
                    Tensor dst = Tensor.zeros(p.shape(), p.dtype(), p.device());
                    if (src.dtype() == dst.dtype()) {
                        dst.copyFrom(src);
                    } else {
                        try (Tensor cast = src.to(dst.dtype())) {
                            dst.copyFrom(cast);
                        }
                    }
                    s.put(b.getKey(), dst);
                }
                state.put(p, s);
            }
        }
    }

    private InvalidArgumentException bad(String why) { return new InvalidArgumentException(name + ".loadStateDict: " + why); }

    private static Tensor f64(double v) { return Tensor.of(new double[]{v}, Shape.scalar(), DType.FLOAT64, Device.CPU); }

    protected static void require(boolean ok, String message) {
        if (!ok) throw new InvalidArgumentException(message);
    }

    /** Releases the optimiser's state buffers (not the parameters). */
    @Override public void close() {
        state.values().forEach(ParamState::close);
        state.clear();
    }

    @Override public String toString() { return name + "(" + groups.size() + " groups, " + flat.size() + " parameters)"; }
}

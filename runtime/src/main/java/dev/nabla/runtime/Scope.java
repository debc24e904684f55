package dev.nabla.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Owns every tensor created on this thread while it is open; {@link #close()} closes them all except
 * those passed to {@link #keep}. Scopes nest; a kept tensor moves to the enclosing scope.
 *
 * <pre>{@code
 * try (Scope scope = Scope.open()) {
 *     Tensor loss = model.forward(x).sub(y).square().mean();
 *     loss.backward();
 *     return scope.keep(loss.detach());   // everything else is closed here
 * }
 * }</pre>
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private Scope(Scope parent) { this.parent = parent; }

    public static Scope open() {
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    public static Scope current() { return CURRENT.get(); }

    /** Keeps {@code t} alive past this scope: it moves to the enclosing scope (or to none). */
    public <T extends Tensor> T keep(T t) {
        if (t != null && owned.remove(t)) {
            t.owner = parent;
            if (parent != null) parent.owned.add(t);
        }
        return t;
    }

    public List<Tensor> keepAll(List<Tensor> ts) {
        ts.forEach(this::keep);
        return ts;
    }

    /** Takes {@code t} out of whatever scope owns it; its owner is now the caller (parameters, gradients, state). */
    public static <T extends Tensor> T detach(T t) {
        Scope s = t.owner;
        if (s != null) {
            s.owned.remove(t);
            t.owner = null;
        }
        return t;
    }

    static void register(Tensor t) {
        Scope s = CURRENT.get();
        if (s != null) {
            s.owned.add(t);
            t.owner = s;
        }
    }

    public int size() { return owned.size(); }

    @Override public void close() {
        if (closed) return;
        if (CURRENT.get() != this) {
            throw new IllegalStateException("Scope.close: scopes must close innermost first (this scope is not the current one)");
        }
        closed = true;
        CURRENT.set(parent);
        List<Tensor> toClose = new ArrayList<>(owned);
        owned.clear();
        for (Tensor t : toClose) {
            t.owner = null;
            t.close();
        }
    }
}

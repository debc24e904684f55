package dev.nabla.layers;

import dev.nabla.runtime.Scope;
import dev.nabla.runtime.Tensor;

/**
 * A named tensor slot owned by a {@link Module}: a trainable parameter (requires grad) or a buffer (running
 * statistics, fixed tables). The module owns the tensor's memory: it is taken out of any {@link Scope} so a
 * per-step scope never closes it. {@link Module#to} replaces the tensor, so layers read {@link #data()} at
 * every forward instead of caching it.
 */
public final class Parameter {
    private final boolean trainable;
    private final boolean persistent;
    private Tensor data;

    Parameter(Tensor data, boolean trainable, boolean persistent) {
        this.trainable = trainable;
        this.persistent = persistent;
        set(data);
    }

    /** The current tensor. */
    public Tensor data() { return data; }

    /** True for parameters (trained by an optimiser), false for buffers. */
    public boolean isTrainable() { return trainable; }

    /** Whether a buffer is saved in {@link Module#stateDict()} (parameters always are). */
    public boolean isPersistent() { return persistent; }

    /** Replaces the tensor (the old one is closed unless it is the same). */
    void set(Tensor t) {
        Scope.detach(t);
        if (trainable && !t.requiresGrad()) t.requiresGrad(true);
        if (data != null && data != t) data.close();
        data = t;
    }
}

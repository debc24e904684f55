package dev.nabla.trainers.optim;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Tensor;

import java.util.List;

/**
 * Parameters that share a learning rate and a weight decay (PyTorch's {@code param_groups}). A value left
 * as NaN takes the optimiser's default. {@link #initialLr()} is the rate the group started with; learning-rate
 * schedules scale from it.
 *
 * <pre>{@code
 * new Adam(Adam.Options.defaults().lr(1e-3),
 *          ParamGroup.of(backbone.parameters()),
 *          ParamGroup.of(head.parameters()).lr(1e-2).weightDecay(0));
 * }</pre>
 */
public final class ParamGroup {
    private final List<Tensor> params;
    private double lr = Double.NaN;
    private double weightDecay = Double.NaN;
    private double initialLr = Double.NaN;

    private ParamGroup(List<Tensor> params) {
        if (params == null || params.isEmpty()) throw new InvalidArgumentException("ParamGroup: a group needs at least one parameter");
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null) throw new InvalidArgumentException("ParamGroup: parameter " + i + " is null");
            if (!p.dtype().isFloating()) {
                throw new InvalidArgumentException("ParamGroup: parameter " + i + " " + p.shape() + " is " + p.dtype() + "; only floating tensors can be optimised");
            }
        }
        this.params = List.copyOf(params);
    }

    /** A group of {@code params} with the optimiser's default learning rate and weight decay. */
    public static ParamGroup of(List<Tensor> params) { return new ParamGroup(params); }

    public List<Tensor> params() { return params; }

    public double lr() { return lr; }

    /** Sets the learning rate (schedules call this every step). */
    public ParamGroup lr(double value) {
        if (!(value >= 0)) throw new InvalidArgumentException("ParamGroup: learning rate must be >= 0, got " + value);
        lr = value;
        if (Double.isNaN(initialLr)) initialLr = value;
        return this;
    }

    public double weightDecay() { return weightDecay; }

    public ParamGroup weightDecay(double value) {
        if (!(value >= 0)) throw new InvalidArgumentException("ParamGroup: weight decay must be >= 0, got " + value);
        weightDecay = value;
        return this;
    }

    /** The learning rate the group had when the optimiser was built. */
    public double initialLr() { return initialLr; }

    void initialLr(double value) { initialLr = value; }

    void fillDefaults(double defaultLr, double defaultWeightDecay) {
        if (Double.isNaN(lr)) lr(defaultLr);
        if (Double.isNaN(weightDecay)) weightDecay(defaultWeightDecay);
    }
}

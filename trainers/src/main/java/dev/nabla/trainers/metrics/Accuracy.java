package dev.nabla.trainers.metrics;

/** The fraction of examples whose highest-scoring class is the label (top-1 accuracy). */
public final class Accuracy extends TopKAccuracy {
    public Accuracy() { super(1); }

    @Override public String name() { return "accuracy"; }
}

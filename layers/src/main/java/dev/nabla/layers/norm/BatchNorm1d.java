package dev.nabla.layers.norm;

/** Batch norm of x [n, c] or [n, c, l] over the batch (and length) axes. */
public class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(int numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

    public BatchNorm1d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override protected boolean acceptsRank(int rank) { return rank == 2 || rank == 3; }

    @Override protected String expectedInput() { return "[n, c] or [n, c, l]"; }
}

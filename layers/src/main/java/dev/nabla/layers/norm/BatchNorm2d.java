package dev.nabla.layers.norm;

/** Batch norm of x [n, c, h, w] over the batch and spatial axes. */
public class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(int numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

    public BatchNorm2d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override protected boolean acceptsRank(int rank) { return rank == 4; }

    @Override protected String expectedInput() { return "[n, c, h, w]"; }
}

package dev.nabla.layers.norm;

import dev.nabla.layers.Module;
import dev.nabla.layers.Parameter;
import dev.nabla.layers.init.Init;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.nn.F;
import dev.nabla.runtime.random.Generator;

/**
 * Batch normalisation over axis 1, as PyTorch's BatchNorm: in training, batch statistics, and (with
 * {@code trackRunningStats}) running_mean / running_var updated with {@code momentum} (unbiased variance); in
 * evaluation, the running statistics. Parameters weight (ones) and bias (zeros) when affine; buffers
 * running_mean, running_var and num_batches_tracked so PyTorch state dicts load as they are.
 */
public abstract class BatchNorm extends Module {
    private final int numFeatures;
    private final double eps;
    private final double momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final Parameter numBatchesTracked;

    protected BatchNorm(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        requirePositive("numFeatures", numFeatures);
        if (!(eps > 0)) throw new InvalidArgumentException(getClass().getSimpleName() + ": eps must be positive, got " + eps);
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new InvalidArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1], got " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", newTensor(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", newTensor(numFeatures)) : null;
        if (trackRunningStats) {
            runningMean = registerBuffer("running_mean", newTensor(numFeatures));
            runningVar = registerBuffer("running_var", newTensor(numFeatures));
            numBatchesTracked = registerBuffer("num_batches_tracked",
                    Tensor.zeros(Shape.scalar(), DType.INT64, Tensor.defaultDevice()));
        } else {
            runningMean = runningVar = numBatchesTracked = null;
        }
        resetParameters(Generator.global());
    }

    /** Ones and zeros for the affine parameters; running statistics back to mean 0, variance 1. */
    @Override public void resetParameters(Generator gen) {
        if (weight != null) Init.ones(weight.data());
        if (bias != null) Init.zeros(bias.data());
        resetRunningStats();
    }

    public void resetRunningStats() {
        if (runningMean == null) return;
        Init.zeros(runningMean.data());
        Init.ones(runningVar.data());
        Init.constant(numBatchesTracked.data(), 0);
    }

    /** The ranks of input this layer accepts, for its error message. */
    protected abstract boolean acceptsRank(int rank);

    protected abstract String expectedInput();

    public Tensor runningMean() { return runningMean == null ? null : runningMean.data(); }

    public Tensor runningVar() { return runningVar == null ? null : runningVar.data(); }

    public Tensor weight() { return weight == null ? null : weight.data(); }

    public Tensor bias() { return bias == null ? null : bias.data(); }

    @Override public Tensor forward(Tensor x) {
        if (!acceptsRank(x.rank()) || x.dim(1) != numFeatures) {
            throw new ShapeMismatchException(getClass().getSimpleName() + ": expected input " + expectedInput()
                    + " with c = " + numFeatures + ", got " + x.shape());
        }
        boolean useBatchStats = isTraining() || runningMean == null;
        boolean update = isTraining() && runningMean != null;
        Tensor out = F.batchNorm(x, runningMean == null ? null : runningMean.data(),
                runningVar == null ? null : runningVar.data(),
                weight == null ? null : weight.data(), bias == null ? null : bias.data(), useBatchStats, momentum, eps);
        if (update) {
            try (Tensor one = Tensor.full(Shape.scalar(), 1, DType.INT64, numBatchesTracked.data().device())) {
                numBatchesTracked.data().applyInPlace(BinaryOp.ADD, one);
            }
        }
        return out;
    }

    @Override protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + (weight != null)
                + ", trackRunningStats=" + (runningMean != null);
    }
}

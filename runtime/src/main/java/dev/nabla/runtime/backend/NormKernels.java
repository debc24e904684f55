package dev.nabla.runtime.backend;

/**
 * Layer norm over the last {@code cols} elements of each of {@code rows} rows; batch norm over
 * x viewed as {@code [n, c, spatial]} with statistics per channel. Weight and bias may be null.
 */
public interface NormKernels {
    NormResult layerNorm(Buffer x, int rows, int cols, Buffer weight, Buffer bias, double eps);

    NormGrads layerNormBackward(Buffer dy, Buffer x, Buffer mean, Buffer rstd, Buffer weight, boolean hasBias, int rows, int cols);

    /** Training mode: normalises with the batch statistics and returns them (mean, rstd, biased var). */
    NormResult batchNormTraining(Buffer x, int n, int c, int spatial, Buffer weight, Buffer bias, double eps);

    /** Evaluation mode: normalises with the given running statistics. */
    Buffer batchNormInference(Buffer x, int n, int c, int spatial, Buffer runningMean, Buffer runningVar,
                              Buffer weight, Buffer bias, double eps);

    /** Backward of training mode. */
    NormGrads batchNormBackward(Buffer dy, Buffer x, Buffer mean, Buffer rstd, Buffer weight, boolean hasBias,
                                int n, int c, int spatial);
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.*;
import dev.nabla.runtime.backend.*;

/** CPU NormKernels: not implemented yet. */
final class CpuNorm implements NormKernels {
    @Override public NormResult layerNorm(Buffer x, int rows, int cols, Buffer weight, Buffer bias, double eps) { throw new UnsupportedOperationException("CpuNorm: not implemented yet"); }
    @Override public NormGrads layerNormBackward(Buffer dy, Buffer x, Buffer mean, Buffer rstd, Buffer weight, boolean hasBias, int rows, int cols) { throw new UnsupportedOperationException("CpuNorm: not implemented yet"); }
    @Override public NormResult batchNormTraining(Buffer x, int n, int c, int spatial, Buffer weight, Buffer bias, double eps) { throw new UnsupportedOperationException("CpuNorm: not implemented yet"); }
    @Override public Buffer batchNormInference(Buffer x, int n, int c, int spatial, Buffer runningMean, Buffer runningVar, Buffer weight, Buffer bias, double eps) { throw new UnsupportedOperationException("CpuNorm: not implemented yet"); }
    @Override public NormGrads batchNormBackward(Buffer dy, Buffer x, Buffer mean, Buffer rstd, Buffer weight, boolean hasBias, int n, int c, int spatial) { throw new UnsupportedOperationException("CpuNorm: not implemented yet"); }
}

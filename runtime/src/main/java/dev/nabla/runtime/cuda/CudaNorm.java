package dev.nabla.runtime.cuda;

import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.NormGrads;
import dev.nabla.runtime.backend.NormKernels;
import dev.nabla.runtime.backend.NormResult;

/**
 * Layer and batch normalisation of norm.cu. Weight and bias may be null (the kernels take null
 * pointers). Batch-norm training also returns the biased batch variance, which the kernel only writes
 * into running statistics: it is obtained by passing zeroed running buffers with momentum 1 (the kernel
 * then stores the unbiased variance) and rescaling by (M - 1) / M.
 */
final class CudaNorm extends CudaFamily implements NormKernels {
    static final KernelNames KERNELS = KernelNames.create()
            .add("norm", KernelNames.FLOATS, "layer_norm", "layer_norm_backward", "layer_norm_param_backward",
                    "batch_norm", "batch_norm_inference", "batch_norm_backward");

    CudaNorm(CudaBackend backend) { super(backend); }

    @Override public NormResult layerNorm(Buffer x, int rows, int cols, Buffer weight, Buffer bias, double eps) {
        CudaBuffer in = buf(x, "layer_norm");
        requireFloating("layer_norm", in.dtype());
        CudaBuffer y = alloc(in.dtype(), (long) rows * cols), mean = alloc(in.dtype(), rows), rstd = alloc(in.dtype(), rows);
        if ((long) rows * cols > 0) {
            launch("norm", k("layer_norm", in.dtype()), CudaLauncher.Grid.rows(rows, 256), in, opt(weight), opt(bias), y, mean, rstd,
                    (long) rows, (long) cols, t(in.dtype(), eps));
        }
        return new NormResult(y, mean, rstd, null);
    }

    @Override public NormGrads layerNormBackward(Buffer dy, Buffer x, Buffer mean, Buffer rstd, Buffer weight, boolean hasBias,
                                                 int rows, int cols) {
        CudaBuffer g = buf(dy, "layer_norm backward"), in = buf(x, "layer_norm backward");
        requireFloating("layer_norm backward", in.dtype());
        requireSame("layer_norm backward", in, g);
        CudaBuffer gx = alloc(in.dtype(), (long) rows * cols);
        CudaBuffer gw = weight == null ? null : alloc(in.dtype(), cols);
        CudaBuffer gb = hasBias ? alloc(in.dtype(), cols) : null;
        if ((long) rows * cols > 0) {
            launch("norm", k("layer_norm_backward", in.dtype()), CudaLauncher.Grid.rows(rows, 256), in, g, opt(weight),
                    buf(mean, "layer_norm backward"), buf(rstd, "layer_norm backward"), gx, (long) rows, (long) cols);
            if (gw != null || gb != null) {
                launch("norm", k("layer_norm_param_backward", in.dtype()), CudaLauncher.Grid.rows((cols + 31) / 32, 256), in, g,
                        buf(mean, "layer_norm backward"), buf(rstd, "layer_norm backward"), gw, gb, (long) rows, (long) cols);
            }
        }
        return new NormGrads(gx, gw, gb);
    }

    @Override public NormResult batchNormTraining(Buffer x, int n, int c, int spatial, Buffer weight, Buffer bias, double eps) {
        CudaBuffer in = buf(x, "batch_norm");
        requireFloating("batch_norm", in.dtype());
        long m = (long) n * spatial;
        CudaBuffer y = alloc(in.dtype(), in.size()), mean = alloc(in.dtype(), c), rstd = alloc(in.dtype(), c);
        CudaBuffer runMean = zeros(in.dtype(), c), var = zeros(in.dtype(), c);
        try {
            launch("norm", k("batch_norm", in.dtype()), CudaLauncher.Grid.rows(c, 512), in, opt(weight), opt(bias), y, mean, rstd,
                    runMean, var, (long) n, (long) c, (long) spatial, t(in.dtype(), eps), t(in.dtype(), 1.0));
        } finally {
            free(runMean);
        }
        // var now holds the unbiased variance M/(M-1) var (the kernel stores var itself when M == 1)
        if (m > 1) backend.ew().affineInto(var, var, (double) (m - 1) / m, 0.0);
        return new NormResult(y, mean, rstd, var);
    }

    @Override public Buffer batchNormInference(Buffer x, int n, int c, int spatial, Buffer runningMean, Buffer runningVar,
                                               Buffer weight, Buffer bias, double eps) {
        CudaBuffer in = buf(x, "batch_norm");
        requireFloating("batch_norm", in.dtype());
        CudaBuffer y = alloc(in.dtype(), in.size());
        if (in.size() > 0) {
            launch("norm", k("batch_norm_inference", in.dtype()), CudaLauncher.Grid.linear(in.size()), in,
                    buf(runningMean, "batch_norm"), buf(runningVar, "batch_norm"), opt(weight), opt(bias), y,
                    (long) n, (long) c, (long) spatial, t(in.dtype(), eps));
        }
        return y;
    }

    @Override public NormGrads batchNormBackward(Buffer dy, Buffer x, Buffer mean, Buffer rstd, Buffer weight, boolean hasBias,
                                                 int n, int c, int spatial) {
        CudaBuffer g = buf(dy, "batch_norm backward"), in = buf(x, "batch_norm backward");
        requireFloating("batch_norm backward", in.dtype());
        requireSame("batch_norm backward", in, g);
        CudaBuffer gx = alloc(in.dtype(), in.size());
        CudaBuffer gw = weight == null ? null : alloc(in.dtype(), c);
        CudaBuffer gb = hasBias ? alloc(in.dtype(), c) : null;
        launch("norm", k("batch_norm_backward", in.dtype()), CudaLauncher.Grid.rows(c, 512), in, g, opt(weight),
                buf(mean, "batch_norm backward"), buf(rstd, "batch_norm backward"), gx, gw, gb, (long) n, (long) c, (long) spatial);
        return new NormGrads(gx, gw, gb);
    }

    private static CudaBuffer opt(Buffer b) { return b == null ? null : buf(b, "norm"); }
}

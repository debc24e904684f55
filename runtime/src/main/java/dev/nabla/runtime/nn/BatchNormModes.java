package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.NormGrads;
import dev.nabla.runtime.backend.NormResult;

import static dev.nabla.runtime.nn.NormOps.buf;
import static dev.nabla.runtime.nn.NormOps.paramGrad;

/** The two modes of batch norm behind {@link NormOps#batchNorm}; arguments are already validated. */
final class BatchNormModes {
    private BatchNormModes() {}

    static Tensor training(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                           double momentum, double eps, int n, int c, int spatial) {
        Backend be = x.backend();
        NormResult res = be.norm().batchNormTraining(x.buffer(), n, c, spatial, buf(weight), buf(bias), eps);
        Tensor out = Tensor.wrap(be, res.out(), x.shape());
        Tensor mean = Tensor.wrap(be, res.mean(), Shape.of(c));
        Tensor var = Tensor.wrap(be, res.var(), Shape.of(c));
        if (runningMean != null) updateRunning(runningMean, runningVar, mean, var, momentum, (long) n * spatial);
        var.close();
        if (!Autograd.needsGrad(x, weight, bias)) {
            mean.close();
            be.release(res.rstd());
            return out;
        }
        Tensor rstd = Tensor.wrap(be, res.rstd(), Shape.of(c));
        return Autograd.record(out, "batch_norm", new Tensor[]{x, weight, bias}, g -> {
            if (Autograd.isGradEnabled()) {
                return NormComposites.trainingBackward(g, x, weight, channelView(weight, x.rank()), bias,
                        nonChannelAxes(x.rank()), nonChannelAxes(x.rank()), eps);
            }
            NormGrads gr = be.norm().batchNormBackward(g.buffer(), x.buffer(), mean.buffer(), rstd.buffer(),
                    buf(weight), bias != null, n, c, spatial);
            return new Tensor[]{Tensor.wrap(be, gr.dx(), x.shape()), paramGrad(be, gr.dweight(), weight),
                    paramGrad(be, gr.dbias(), bias)};
        });
    }

    /**
     * running = (1 - momentum) running + momentum batch, with the unbiased batch variance (PyTorch's rule).
     * Done on the host: it is 2c values, and it keeps batch norm free of the elementwise kernels.
     */
    private static void updateRunning(Tensor runningMean, Tensor runningVar, Tensor mean, Tensor var,
                                      double momentum, long m) {
        double[] rm = runningMean.toDoubleArray(), rv = runningVar.toDoubleArray();
        double[] bm = mean.toDoubleArray(), bv = var.toDoubleArray();
        double unbias = (double) m / (m - 1);
        for (int i = 0; i < rm.length; i++) {
            rm[i] = (1 - momentum) * rm[i] + momentum * bm[i];
            rv[i] = (1 - momentum) * rv[i] + momentum * bv[i] * unbias;
        }
        overwrite(runningMean, rm);
        overwrite(runningVar, rv);
    }

    private static void overwrite(Tensor t, double[] values) {
        try (Tensor src = Tensor.of(values, t.shape(), t.dtype(), t.device())) {
            t.copyFrom(src);
        }
    }

    static Tensor evaluation(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                             double eps, int n, int c, int spatial) {
        Backend be = x.backend();
        Tensor out = Tensor.wrap(be, be.norm().batchNormInference(x.buffer(), n, c, spatial, runningMean.buffer(),
                runningVar.buffer(), buf(weight), buf(bias), eps), x.shape());
        if (!Autograd.needsGrad(x, weight, bias)) return out;
        // The running statistics may be updated in place by a later training step before this backward runs.
        double[] rv = runningVar.toDoubleArray();
        double[] rs = new double[c];
        for (int i = 0; i < c; i++) rs[i] = 1.0 / Math.sqrt(rv[i] + eps);
        Tensor mean = Tensor.wrap(be, be.copy(runningMean.buffer()), Shape.of(c));
        Tensor var = Tensor.wrap(be, be.copy(runningVar.buffer()), Shape.of(c));
        Tensor rstd = Tensor.of(rs, Shape.of(c), x.dtype(), x.device());
        return Autograd.record(out, "batch_norm", new Tensor[]{x, weight, bias}, g -> {
            if (Autograd.isGradEnabled()) {
                int r = x.rank();
                return NormComposites.evaluationBackward(g, x, weight, channelView(weight, r), bias,
                        channelView(mean, r), channelView(rstd, r), nonChannelAxes(r));
            }
            // dx = dy w rstd is evaluation-mode batch norm of dy with zero mean; dweight and dbias are the
            // training kernel's, fed the running statistics (its dx, for batch statistics, is dropped).
            Buffer zeros = be.allocate(x.dtype(), c);
            Buffer dx = be.norm().batchNormInference(g.buffer(), n, c, spatial, zeros, var.buffer(), buf(weight), null, eps);
            be.release(zeros);
            Tensor dw = null, db = null;
            if (wants(weight) || wants(bias)) {
                NormGrads gr = be.norm().batchNormBackward(g.buffer(), x.buffer(), mean.buffer(), rstd.buffer(),
                        buf(weight), bias != null, n, c, spatial);
                be.release(gr.dx());
                dw = paramGrad(be, gr.dweight(), weight);
                db = paramGrad(be, gr.dbias(), bias);
            }
            return new Tensor[]{Tensor.wrap(be, dx, x.shape()), dw, db};
        });
    }

    private static boolean wants(Tensor p) { return p != null && p.requiresGrad(); }

    /** A [c] tensor viewed as [1, c, 1, ...] to broadcast against x of the given rank; null stays null. */
    private static Tensor channelView(Tensor p, int rank) {
        if (p == null) return null;
        int[] dims = new int[rank];
        java.util.Arrays.fill(dims, 1);
        dims[1] = p.dim(0);
        return p.reshape(dims);
    }

    private static int[] nonChannelAxes(int rank) {
        int[] a = new int[rank - 1];
        a[0] = 0;
        for (int i = 2; i < rank; i++) a[i - 1] = i;
        return a;
    }
}

package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.NormGrads;
import dev.nabla.runtime.backend.NormResult;
import dev.nabla.runtime.ops.Checks;

import java.util.Arrays;

/**
 * Layer norm and batch norm. Forward and first-order backward are fused backend kernels; under
 * createGraph (double backward) the backward is written with differentiable tensor ops instead.
 *
 * <pre>{@code
 * Tensor y = NormOps.layerNorm(x, new int[]{512}, gamma, beta, 1e-5);                          // x [b, t, 512]
 * Tensor z = NormOps.batchNorm(x, runMean, runVar, gamma, beta, true, 0.1, 1e-5);              // x [n, c, h, w]
 * }</pre>
 */
public final class NormOps {
    private NormOps() {}

    /** Normalises over the trailing dims {@code normalizedShape}; weight/bias of that shape or null. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        String op = "layer_norm";
        Checks.open(op, x);
        Checks.floating(op, x);
        if (normalizedShape == null || normalizedShape.length == 0) {
            throw new InvalidArgumentException(op + ": normalizedShape must name at least one trailing dim of "
                    + x.shape() + ", got " + Arrays.toString(normalizedShape));
        }
        Shape norm = Shape.of(normalizedShape);
        int r = x.rank(), k = normalizedShape.length;
        if (k > r || !Arrays.equals(Arrays.copyOfRange(x.dims(), r - k, r), normalizedShape)) {
            throw new ShapeMismatchException(op + ": normalizedShape " + norm + " must equal the trailing dims of the input "
                    + x.shape());
        }
        checkParam(op, "weight", x, weight, norm);
        checkParam(op, "bias", x, bias, norm);
        checkEps(op, eps);
        int cols = (int) norm.numel(), rows = (int) x.shape().numel(0, r - k);
        Backend be = x.backend();
        NormResult res = be.norm().layerNorm(x.buffer(), rows, cols, buf(weight), buf(bias), eps);
        Tensor out = Tensor.wrap(be, res.out(), x.shape());
        if (!Autograd.needsGrad(x, weight, bias)) {
            be.release(res.mean());
            be.release(res.rstd());
            return out;
        }
        Tensor mean = Tensor.wrap(be, res.mean(), Shape.of(rows));
        Tensor rstd = Tensor.wrap(be, res.rstd(), Shape.of(rows));
        int[] statAxes = new int[k];
        for (int i = 0; i < k; i++) statAxes[i] = r - k + i;
        return Autograd.record(out, op, new Tensor[]{x, weight, bias}, g -> {
            if (Autograd.isGradEnabled()) {
                return NormComposites.trainingBackward(g, x, weight, weight, bias, statAxes, leading(r - k), eps);
            }
            NormGrads gr = be.norm().layerNormBackward(g.buffer(), x.buffer(), mean.buffer(), rstd.buffer(),
                    buf(weight), bias != null, rows, cols);
            return new Tensor[]{Tensor.wrap(be, gr.dx(), x.shape()), paramGrad(be, gr.dweight(), weight),
                    paramGrad(be, gr.dbias(), bias)};
        });
    }

    /**
     * x [n, c] or [n, c, ...]. Training: batch statistics, and runningMean/runningVar (may be null) are updated in
     * place with {@code momentum} (PyTorch's convention, unbiased variance). Evaluation: running statistics.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        String op = "batch_norm";
        Checks.open(op, x);
        Checks.floating(op, x);
        if (x.rank() < 2) {
            throw new ShapeMismatchException(op + ": expected an input [n, c] or [n, c, ...], got shape " + x.shape());
        }
        int n = x.dim(0), c = x.dim(1), spatial = (int) x.shape().numel(2, x.rank());
        Shape ch = Shape.of(c);
        checkParam(op, "weight", x, weight, ch);
        checkParam(op, "bias", x, bias, ch);
        checkParam(op, "runningMean", x, runningMean, ch);
        checkParam(op, "runningVar", x, runningVar, ch);
        if ((runningMean == null) != (runningVar == null)) {
            throw new InvalidArgumentException(op + ": runningMean and runningVar must be given together, got "
                    + (runningMean == null ? "only runningVar" : "only runningMean"));
        }
        checkEps(op, eps);
        if (training) {
            if (!(momentum >= 0 && momentum <= 1)) {
                throw new InvalidArgumentException(op + ": momentum must be in [0, 1], got " + momentum);
            }
            long m = (long) n * spatial;
            if (m <= 1) {
                throw new InvalidArgumentException(op + ": expected more than 1 value per channel when training, got input "
                        + "shape " + x.shape());
            }
            return BatchNormModes.training(x, runningMean, runningVar, weight, bias, momentum, eps, n, c, spatial);
        }
        if (runningMean == null) {
            throw new InvalidArgumentException(op + ": runningMean and runningVar are required in evaluation mode "
                    + "(training=false) for input " + x.shape());
        }
        return BatchNormModes.evaluation(x, runningMean, runningVar, weight, bias, eps, n, c, spatial);
    }

    private static void checkParam(String op, String what, Tensor x, Tensor p, Shape expected) {
        if (p == null) return;
        Checks.open(op, p);
        Checks.sameDevice(op, x, p);
        Checks.sameDType(op, x, p);
        if (!p.shape().equals(expected)) {
            throw new ShapeMismatchException(op + ": " + what + " has shape " + p.shape() + " but input " + x.shape()
                    + " needs " + expected);
        }
    }

    private static void checkEps(String op, double eps) {
        if (!(eps >= 0)) throw new InvalidArgumentException(op + ": eps must be >= 0, got " + eps);
    }

    /** Axes 0 .. count-1. */
    static int[] leading(int count) {
        int[] a = new int[count];
        for (int i = 0; i < count; i++) a[i] = i;
        return a;
    }

    static Buffer buf(Tensor t) { return t == null ? null : t.buffer(); }

    /** Wraps a parameter's gradient, or releases it at once when the parameter does not want one. */
    static Tensor paramGrad(Backend be, Buffer b, Tensor param) {
        if (b == null) return null;
        if (param == null || !param.requiresGrad()) {
            be.release(b);
            return null;
        }
        return Tensor.wrap(be, b, param.shape());
    }
}

package dev.nabla.runtime.cuda;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.CrossEntropyResult;
import dev.nabla.runtime.backend.LossKernels;

/**
 * Fused log-softmax + NLL of loss.cu, one block per row; labels go to the kernel as INT64. The backward
 * takes the per-row upstream gradient, so every reduction mode ('mean', 'sum', 'none') shares one kernel.
 */
final class CudaLoss extends CudaFamily implements LossKernels {
    static final KernelNames KERNELS = KernelNames.create()
            .add("loss", KernelNames.FLOATS, "cross_entropy", "cross_entropy_backward");

    CudaLoss(CudaBackend backend) { super(backend); }

    @Override public CrossEntropyResult crossEntropy(Buffer logits, Buffer labels, int n, int c, long ignoreIndex, double labelSmoothing) {
        CudaBuffer x = buf(logits, "cross_entropy");
        requireFloating("cross_entropy", x.dtype());
        check(x, n, c);
        CudaBuffer y = backend.asInt64(buf(labels, "cross_entropy"), "cross_entropy");
        try {
            CudaBuffer loss = alloc(x.dtype(), n), lse = alloc(x.dtype(), n);
            if ((long) n * c > 0) {
                launch("loss", k("cross_entropy", x.dtype()), CudaLauncher.Grid.rows(n, 256), x, y, loss, lse, (long) n, (long) c,
                        ignoreIndex, t(x.dtype(), labelSmoothing));
            }
            return new CrossEntropyResult(loss, lse);
        } finally {
            if (y != labels) free(y);
        }
    }

    @Override public Buffer crossEntropyBackward(Buffer logits, Buffer labels, Buffer logSumExp, Buffer dLoss, int n, int c,
                                                 long ignoreIndex, double labelSmoothing) {
        CudaBuffer x = buf(logits, "cross_entropy backward");
        requireFloating("cross_entropy backward", x.dtype());
        check(x, n, c);
        CudaBuffer y = backend.asInt64(buf(labels, "cross_entropy backward"), "cross_entropy backward");
        try {
            CudaBuffer g = alloc(x.dtype(), (long) n * c);
            if (g.size() > 0) {
                launch("loss", k("cross_entropy_backward", x.dtype()), CudaLauncher.Grid.linear(g.size()), x, y,
                        buf(logSumExp, "cross_entropy backward"), buf(dLoss, "cross_entropy backward"), g, (long) n, (long) c,
                        ignoreIndex, t(x.dtype(), labelSmoothing));
            }
            return g;
        } finally {
            if (y != labels) free(y);
        }
    }

    private static void check(CudaBuffer x, int n, int c) {
        if (x.size() != (long) n * c) {
            throw new InvalidArgumentException("cross_entropy: logits have " + x.size() + " elements; expected [" + n + ", " + c + "]");
        }
    }
}

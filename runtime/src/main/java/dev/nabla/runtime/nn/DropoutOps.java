package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.ops.Checks;
import dev.nabla.runtime.random.Generator;

/**
 * Inverted dropout with a Philox mask (the same mask on every backend for the same generator state): each
 * element is zeroed with probability p and the survivors are scaled by 1/(1-p), so the expected output
 * equals the input and evaluation needs no rescaling.
 */
public final class DropoutOps {
    private DropoutOps() {}

    /**
     * Returns {@code x} itself when not training or when p is 0; otherwise {@code x * mask}, drawing
     * {@code x.numel()} positions from {@code generator}. Backward multiplies by the same mask.
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator generator) {
        Checks.open("dropout", x);
        if (!(p >= 0 && p < 1)) {
            throw new InvalidArgumentException("dropout: p must be in [0, 1), got " + p + " for shape " + x.shape());
        }
        if (!training || p == 0) return x;
        Checks.floating("dropout", x);
        if (generator == null) throw new InvalidArgumentException("dropout: generator is null");
        Backend be = x.backend();
        long n = x.numel();
        long seed = generator.seed();
        Tensor mask = Tensor.wrap(be, be.random().dropoutMask(x.dtype(), n, p, seed, generator.advance(n)), x.shape());
        Tensor y = Tensor.wrap(be, be.elementwise().binary(BinaryOp.MUL, x.buffer(), x.shape(), mask.buffer(),
                x.shape(), x.shape()), x.shape());
        if (!Autograd.needsGrad(x)) {
            mask.close();
            return y;
        }
        return Autograd.record(y, "dropout", new Tensor[]{x}, g -> new Tensor[]{g.mul(mask)});
    }
}

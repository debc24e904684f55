package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.RandomKernels;

/**
 * Philox streams of random.cu: element i draws from stream position {@code offset + i} exactly as
 * {@code dev.nabla.runtime.random.Philox} does on the CPU, so a seeded CPU run and GPU run agree (the
 * integer words, uniforms and dropout masks bit for bit). The kernels draw standard distributions; the
 * range / mean-and-std are applied with one affine pass.
 */
final class CudaRandom extends CudaFamily implements RandomKernels {
    static final KernelNames KERNELS = KernelNames.create()
            .add("random", KernelNames.FLOATS, "uniform", "normal", "dropout");

    CudaRandom(CudaBackend backend) { super(backend); }

    @Override public Buffer uniform(DType dtype, long n, long seed, long offset, double low, double high) {
        requireFloating("uniform", dtype);
        CudaBuffer out = draw("uniform", dtype, n, seed, offset);
        if (low != 0 || high != 1) backend.ew().affineInto(out, out, high - low, low);
        return out;
    }

    @Override public Buffer normal(DType dtype, long n, long seed, long offset, double mean, double std) {
        requireFloating("normal", dtype);
        CudaBuffer out = draw("normal", dtype, n, seed, offset);
        if (mean != 0 || std != 1) backend.ew().affineInto(out, out, std, mean);
        return out;
    }

    @Override public Buffer dropoutMask(DType dtype, long n, double p, long seed, long offset) {
        requireFloating("dropout", dtype);
        if (!(p >= 0 && p < 1)) throw new InvalidArgumentException("dropout: p must be in [0, 1), got " + p);
        if (n < 0) throw new InvalidArgumentException("dropout: negative size " + n);
        // dropout_<dt>(x, y, mask, ...) computes y = x * mask as well; x = ones gives the mask twice over
        CudaBuffer ones = (CudaBuffer) backend.full(dtype, n, 1.0);
        CudaBuffer y = alloc(dtype, n), mask = alloc(dtype, n);
        try {
            if (n > 0) {
                launch("random", k("dropout", dtype), CudaLauncher.Grid.linear(n), ones, y, mask, n, t(dtype, p), seed, offset);
            }
        } finally {
            free(ones);
            free(y);
        }
        return mask;
    }

    private CudaBuffer draw(String op, DType dtype, long n, long seed, long offset) {
        if (n < 0) throw new InvalidArgumentException(op + ": negative size " + n);
        CudaBuffer out = alloc(dtype, n);
        if (n > 0) launch("random", k(op, dtype), CudaLauncher.Grid.linear(n), out, n, seed, offset);
        return out;
    }
}

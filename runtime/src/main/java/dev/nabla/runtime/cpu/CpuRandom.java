package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.RandomKernels;
import dev.nabla.runtime.random.Philox;

/** Philox streams on the CPU, one block of four words at a time, split across threads by block. */
final class CpuRandom implements RandomKernels {
    private interface Sink { void put(CpuBuffer out, int i, long pos, int[] words); }

    @Override public Buffer uniform(DType dtype, long n, long seed, long offset, double low, double high) {
        requireFloating("uniform", dtype);
        // The range is applied as one fused multiply-add in the output's precision, as the GPU's affine
        // kernel (a * x + b, contracted to an FMA by nvcc) does, so both backends give the same bits.
        double span = high - low;
        float spanF = (float) span, lowF = (float) low;
        return fill(dtype, n, seed, offset, (out, i, pos, w) -> {
            float u = Philox.toUniform(w[(int) (pos & 3)]);
            if (out.f != null) out.f[i] = Math.fma(spanF, u, lowF);
            else out.d[i] = Math.fma(span, u, low);
        });
    }

    @Override public Buffer normal(DType dtype, long n, long seed, long offset, double mean, double std) {
        requireFloating("normal", dtype);
        return fill(dtype, n, seed, offset, (out, i, pos, w) -> {
            int p = (int) (pos & 3) >>> 1;
            if (out.f != null) {
                float u1 = Philox.toUniformOpenZero(w[2 * p]);
                float u2 = Philox.toUniform(w[2 * p + 1]);
                float r = (float) Math.sqrt(-2.0f * (float) Math.log(u1));
                float t = (float) (2.0 * Math.PI) * u2;
                float z = (pos & 1) == 0 ? r * (float) Math.cos(t) : r * (float) Math.sin(t);
                out.f[i] = Math.fma((float) std, z, (float) mean);
            } else {
                double u1 = Philox.toUniformOpenZero(w[2 * p]);
                double u2 = Philox.toUniform(w[2 * p + 1]);
                double r = Math.sqrt(-2.0 * Math.log(u1));
                double t = 2.0 * Math.PI * u2;
                double z = (pos & 1) == 0 ? r * Math.cos(t) : r * Math.sin(t);
                out.d[i] = Math.fma(std, z, mean);
            }
        });
    }

    @Override public Buffer dropoutMask(DType dtype, long n, double p, long seed, long offset) {
        requireFloating("dropout", dtype);
        if (!(p >= 0 && p < 1)) throw new InvalidArgumentException("dropout: p must be in [0, 1), got " + p);
        // FLOAT32 compares against (float) p and scales by 1/(1-(float) p) rounded once, exactly as
        // dropout_f32 does on the GPU, so masks agree bit for bit even when p is not a float.
        float pf = (float) p;
        float scaleF = (float) (1.0 / (1.0 - (double) pf));
        double scale = 1.0 / (1.0 - p);
        return fill(dtype, n, seed, offset, (out, i, pos, w) -> {
            float u = Philox.toUniform(w[(int) (pos & 3)]);
            if (out.f != null) out.f[i] = u >= pf ? scaleF : 0.0f;
            else out.d[i] = u >= p ? scale : 0.0;
        });
    }

    private static Buffer fill(DType dtype, long n, long seed, long offset, Sink sink) {
        CpuBuffer out = CpuBackend.allocUninitialized(dtype, n);
        int size = out.length();
        CpuThreads.parallelFor(size, 1 << 14, (from, to) -> {
            int[] words = new int[4];
            long block = -1;
            for (int i = from; i < to; i++) {
                long pos = offset + i;
                if ((pos >>> 2) != block) {
                    block = pos >>> 2;
                    Philox.block(seed, block, words);
                }
                sink.put(out, i, pos, words);
            }
        });
        return out;
    }

    private static void requireFloating(String op, DType dtype) {
        if (!dtype.isFloating()) throw new DTypeMismatchException(op + ": expected FLOAT32 or FLOAT64, got " + dtype);
    }
}

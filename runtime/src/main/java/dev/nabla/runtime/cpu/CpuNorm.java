package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.NormGrads;
import dev.nabla.runtime.backend.NormKernels;
import dev.nabla.runtime.backend.NormResult;

/**
 * Layer norm and batch norm. Statistics are two-pass (mean, then centred squares) and accumulated in
 * double, so float32 inputs with a large mean keep their variance. Values are read through
 * {@link #load} only in the per-row/per-channel statistics; the elementwise passes specialise on the array.
 * Saved statistics (mean, rstd, var) have the input's dtype.
 */
final class CpuNorm implements NormKernels {

    // ---------------------------------------------------------------- layer norm

    @Override public NormResult layerNorm(Buffer x, int rows, int cols, Buffer weight, Buffer bias, double eps) {
        CpuBuffer xb = CpuBuffer.of(x, "layer_norm"), w = opt(weight), b = opt(bias);
        DType dt = xb.dtype;
        CpuBuffer out = CpuBackend.allocUninitialized(dt, xb.size), mean = CpuBackend.alloc(dt, rows), rstd = CpuBackend.alloc(dt, rows);
        if (dt == DType.FLOAT32) {
            CpuLayerNormF.forward(xb.f, w == null ? null : w.f, b == null ? null : b.f, out.f, mean.f, rstd.f,
                    rows, cols, eps, grain(cols));
            return new NormResult(out, mean, rstd, null);
        }
        CpuThreads.parallelFor(rows, grain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * cols;
                double mu = 0;
                for (int k = 0; k < cols; k++) mu += load(xb, off + k);
                mu /= cols;
                double var = 0;
                for (int k = 0; k < cols; k++) {
                    double c = load(xb, off + k) - mu;
                    var += c * c;
                }
                double rs = 1.0 / Math.sqrt(var / cols + eps);
                mean.set(r, mu);
                rstd.set(r, rs);
                if (dt == DType.FLOAT32) {
                    for (int k = 0; k < cols; k++) {
                        double v = (xb.f[off + k] - mu) * rs;
                        if (w != null) v *= w.f[k];
                        if (b != null) v += b.f[k];
                        out.f[off + k] = (float) v;
                    }
                } else {
                    for (int k = 0; k < cols; k++) {
                        double v = (xb.d[off + k] - mu) * rs;
                        if (w != null) v *= w.d[k];
                        if (b != null) v += b.d[k];
                        out.d[off + k] = v;
                    }
                }
            }
        });
        return new NormResult(out, mean, rstd, null);
    }

    /**
     * With xhat = (x - mean) rstd and g = dy w: dx = rstd (g - mean(g) - xhat mean(g xhat)) per row;
     * dweight = sum over rows of dy xhat, dbias = sum over rows of dy.
     */
    @Override public NormGrads layerNormBackward(Buffer dy, Buffer x, Buffer mean, Buffer rstd, Buffer weight,
                                                 boolean hasBias, int rows, int cols) {
        CpuBuffer g = CpuBuffer.of(dy, "layer_norm backward"), xb = CpuBuffer.of(x, "layer_norm backward");
        CpuBuffer mu = CpuBuffer.of(mean, "layer_norm backward"), rs = CpuBuffer.of(rstd, "layer_norm backward");
        CpuBuffer w = opt(weight);
        DType dt = xb.dtype;
        CpuBuffer dx = CpuBackend.allocUninitialized(dt, xb.size);
        if (dt == DType.FLOAT32) {
            CpuBuffer dw = w == null ? null : CpuBackend.alloc(dt, cols);
            CpuBuffer db = hasBias ? CpuBackend.alloc(dt, cols) : null;
            CpuLayerNormF.backward(g.f, xb.f, mu.f, rs.f, w == null ? null : w.f, dx.f,
                    dw == null ? null : dw.f, db == null ? null : db.f, rows, cols, grain(cols));
            return new NormGrads(dx, dw, db);
        }
        CpuThreads.parallelFor(rows, grain(cols), (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * cols;
                double m = mu.get(r), s = rs.get(r);
                double sumG = 0, sumGX = 0;
                for (int k = 0; k < cols; k++) {
                    double gk = load(g, off + k) * (w == null ? 1.0 : load(w, k));
                    sumG += gk;
                    sumGX += gk * (load(xb, off + k) - m) * s;
                }
                double meanG = sumG / cols, meanGX = sumGX / cols;
                for (int k = 0; k < cols; k++) {
                    double gk = load(g, off + k) * (w == null ? 1.0 : load(w, k));
                    double xh = (load(xb, off + k) - m) * s;
                    dx.set(off + k, s * (gk - meanG - xh * meanGX));
                }
            }
        });
        CpuBuffer dw = w == null ? null : CpuBackend.alloc(dt, cols);
        CpuBuffer db = hasBias ? CpuBackend.alloc(dt, cols) : null;
        if (dw != null || db != null) {
            CpuThreads.parallelFor(cols, grain(rows), (from, to) -> {
                for (int k = from; k < to; k++) {
                    double sw = 0, sb = 0;
                    for (int r = 0; r < rows; r++) {
                        double gv = load(g, r * cols + k);
                        sb += gv;
                        sw += gv * (load(xb, r * cols + k) - mu.get(r)) * rs.get(r);
                    }
                    if (dw != null) dw.set(k, sw);
                    if (db != null) db.set(k, sb);
                }
            });
        }
        return new NormGrads(dx, dw, db);
    }

    // ---------------------------------------------------------------- batch norm

    @Override public NormResult batchNormTraining(Buffer x, int n, int c, int spatial, Buffer weight, Buffer bias, double eps) {
        CpuBuffer xb = CpuBuffer.of(x, "batch_norm"), w = opt(weight), b = opt(bias);
        DType dt = xb.dtype;
        CpuBuffer out = CpuBackend.allocUninitialized(dt, xb.size);
        CpuBuffer mean = CpuBackend.alloc(dt, c), rstd = CpuBackend.alloc(dt, c), var = CpuBackend.alloc(dt, c);
        long m = (long) n * spatial;
        CpuThreads.parallelFor(c, grain(m), (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double mu = 0;
                for (int i = 0; i < n; i++) {
                    int off = (i * c + ch) * spatial;
                    for (int s = 0; s < spatial; s++) mu += load(xb, off + s);
                }
                mu /= m;
                double v = 0;
                for (int i = 0; i < n; i++) {
                    int off = (i * c + ch) * spatial;
                    for (int s = 0; s < spatial; s++) {
                        double d = load(xb, off + s) - mu;
                        v += d * d;
                    }
                }
                v /= m;
                double rs = 1.0 / Math.sqrt(v + eps);
                mean.set(ch, mu);
                var.set(ch, v);
                rstd.set(ch, rs);
                affine(xb, out, n, c, spatial, ch, mu, rs, w == null ? 1.0 : w.get(ch), b == null ? 0.0 : b.get(ch));
            }
        });
        return new NormResult(out, mean, rstd, var);
    }

    @Override public Buffer batchNormInference(Buffer x, int n, int c, int spatial, Buffer runningMean, Buffer runningVar,
                                               Buffer weight, Buffer bias, double eps) {
        CpuBuffer xb = CpuBuffer.of(x, "batch_norm"), w = opt(weight), b = opt(bias);
        CpuBuffer rm = CpuBuffer.of(runningMean, "batch_norm"), rv = CpuBuffer.of(runningVar, "batch_norm");
        CpuBuffer out = CpuBackend.allocUninitialized(xb.dtype, xb.size);
        CpuThreads.parallelFor(c, grain((long) n * spatial), (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double rs = 1.0 / Math.sqrt(rv.get(ch) + eps);
                affine(xb, out, n, c, spatial, ch, rm.get(ch), rs, w == null ? 1.0 : w.get(ch), b == null ? 0.0 : b.get(ch));
            }
        });
        return out;
    }

    /**
     * Per channel, with M = n * spatial and xhat = (x - mean) rstd:
     * dx = w rstd (dy - sum(dy)/M - xhat sum(dy xhat)/M); dweight = sum(dy xhat); dbias = sum(dy).
     */
    @Override public NormGrads batchNormBackward(Buffer dy, Buffer x, Buffer mean, Buffer rstd, Buffer weight, boolean hasBias,
                                                 int n, int c, int spatial) {
        CpuBuffer g = CpuBuffer.of(dy, "batch_norm backward"), xb = CpuBuffer.of(x, "batch_norm backward");
        CpuBuffer mu = CpuBuffer.of(mean, "batch_norm backward"), rs = CpuBuffer.of(rstd, "batch_norm backward");
        CpuBuffer w = opt(weight);
        DType dt = xb.dtype;
        CpuBuffer dx = CpuBackend.allocUninitialized(dt, xb.size);
        CpuBuffer dw = w == null ? null : CpuBackend.alloc(dt, c);
        CpuBuffer db = hasBias ? CpuBackend.alloc(dt, c) : null;
        long m = (long) n * spatial;
        CpuThreads.parallelFor(c, grain(m), (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double mch = mu.get(ch), s = rs.get(ch);
                double sumG = 0, sumGX = 0;
                for (int i = 0; i < n; i++) {
                    int off = (i * c + ch) * spatial;
                    for (int k = 0; k < spatial; k++) {
                        double gv = load(g, off + k);
                        sumG += gv;
                        sumGX += gv * (load(xb, off + k) - mch) * s;
                    }
                }
                if (dw != null) dw.set(ch, sumGX);
                if (db != null) db.set(ch, sumG);
                double scale = (w == null ? 1.0 : w.get(ch)) * s, meanG = sumG / m, meanGX = sumGX / m;
                for (int i = 0; i < n; i++) {
                    int off = (i * c + ch) * spatial;
                    for (int k = 0; k < spatial; k++) {
                        double xh = (load(xb, off + k) - mch) * s;
                        dx.set(off + k, scale * (load(g, off + k) - meanG - xh * meanGX));
                    }
                }
            }
        });
        return new NormGrads(dx, dw, db);
    }

    /** out = (x - mean) rstd w + b over one channel, specialised on the array. */
    private static void affine(CpuBuffer x, CpuBuffer out, int n, int c, int spatial, int ch,
                               double mean, double rstd, double w, double b) {
        double scale = rstd * w, shift = b - mean * scale;
        for (int i = 0; i < n; i++) {
            int off = (i * c + ch) * spatial;
            if (x.dtype == DType.FLOAT32) {
                for (int s = 0; s < spatial; s++) out.f[off + s] = (float) (x.f[off + s] * scale + shift);
            } else {
                for (int s = 0; s < spatial; s++) out.d[off + s] = x.d[off + s] * scale + shift;
            }
        }
    }

    /** Reads one floating element as double; the JIT inlines the dtype test out of the loops. */
    private static double load(CpuBuffer b, int idx) { return b.f != null ? b.f[idx] : b.d[idx]; }

    private static CpuBuffer opt(Buffer b) { return b == null ? null : CpuBuffer.of(b, "norm"); }

    private static int grain(long workPerItem) { return (int) Math.max(1, 16_384 / Math.max(1, workPerItem)); }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.SoftmaxKernels;

/**
 * Softmax and log-softmax over one axis of x viewed as {@code [outer, n, inner]}. The last axis
 * ({@code inner == 1}) walks contiguous rows; any other axis walks blocks of {@code inner} columns so that
 * the inner loop stays contiguous. Sums are accumulated in double for both dtypes.
 */
final class CpuSoftmax implements SoftmaxKernels {
    /** Columns of one inner block: a task's unit of work when the axis is not the last. */
    private static final int BLOCK = 256;

    @Override public Buffer softmax(Buffer x, Shape shape, int axis, boolean log) {
        CpuBuffer in = CpuBuffer.of(x, "softmax");
        CpuBuffer out = CpuBackend.allocUninitialized(in.dtype, in.size);
        Layout l = Layout.of(shape, axis);
        if (in.size == 0) return out;
        if (l.inner == 1) {
            CpuThreads.parallelFor(l.outer, grain(l.n), (from, to) -> {
                for (int r = from; r < to; r++) {
                    if (in.dtype == DType.FLOAT32) rowF(in.f, out.f, r * l.n, l.n, log);
                    else rowD(in.d, out.d, r * l.n, l.n, log);
                }
            });
        } else {
            int blocks = (l.inner + BLOCK - 1) / BLOCK;
            CpuThreads.parallelFor(l.outer * blocks, grain((long) l.n * BLOCK), (from, to) -> {
                double[] max = new double[BLOCK], sum = new double[BLOCK];
                for (int t = from; t < to; t++) {
                    int o = t / blocks, j0 = (t % blocks) * BLOCK, j1 = Math.min(l.inner, j0 + BLOCK);
                    int base = o * l.n * l.inner;
                    if (in.dtype == DType.FLOAT32) blockF(in.f, out.f, base, l.n, l.inner, j0, j1, log, max, sum);
                    else blockD(in.d, out.d, base, l.n, l.inner, j0, j1, log, max, sum);
                }
            });
        }
        return out;
    }

    @Override public Buffer softmaxBackward(Buffer y, Buffer dy, Shape shape, int axis, boolean log) {
        CpuBuffer yb = CpuBuffer.of(y, "softmax backward"), gb = CpuBuffer.of(dy, "softmax backward");
        CpuBuffer dx = CpuBackend.allocUninitialized(yb.dtype, yb.size);
        Layout l = Layout.of(shape, axis);
        if (yb.size == 0) return dx;
        int blocks = (l.inner + BLOCK - 1) / BLOCK;
        CpuThreads.parallelFor(l.outer * blocks, grain((long) l.n * Math.min(BLOCK, l.inner)), (from, to) -> {
            double[] acc = new double[Math.min(BLOCK, l.inner)];
            for (int t = from; t < to; t++) {
                int o = t / blocks, j0 = (t % blocks) * BLOCK, j1 = Math.min(l.inner, j0 + BLOCK);
                int base = o * l.n * l.inner;
                if (yb.dtype == DType.FLOAT32) backF(yb.f, gb.f, dx.f, base, l.n, l.inner, j0, j1, log, acc);
                else backD(yb.d, gb.d, dx.d, base, l.n, l.inner, j0, j1, log, acc);
            }
        });
        return dx;
    }

    /** x viewed as [outer, n, inner] around {@code axis}. */
    private record Layout(int outer, int n, int inner) {
        static Layout of(Shape shape, int axis) {
            if (shape.rank() == 0) return new Layout(1, 1, 1);
            int a = shape.axis(axis, "softmax");
            return new Layout((int) shape.numel(0, a), shape.dim(a), (int) shape.numel(a + 1, shape.rank()));
        }
    }

    private static int grain(long workPerItem) { return (int) Math.max(1, 16_384 / Math.max(1, workPerItem)); }

    // ---------------------------------------------------------------- contiguous rows (last axis)

    private static void rowF(float[] x, float[] y, int off, int n, boolean log) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) max = Math.max(max, x[off + k]);
        if (max == Float.NEGATIVE_INFINITY) max = 0; // an all -inf row gives NaN, as PyTorch does
        double sum = 0;
        if (log) {
            for (int k = 0; k < n; k++) sum += Math.exp(x[off + k] - max);
            double lse = max + Math.log(sum);
            for (int k = 0; k < n; k++) y[off + k] = (float) (x[off + k] - lse);
        } else {
            for (int k = 0; k < n; k++) {
                double e = Math.exp(x[off + k] - max);
                y[off + k] = (float) e;
                sum += e;
            }
            double inv = 1.0 / sum;
            for (int k = 0; k < n; k++) y[off + k] = (float) (y[off + k] * inv);
        }
    }

    private static void rowD(double[] x, double[] y, int off, int n, boolean log) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) max = Math.max(max, x[off + k]);
        if (max == Double.NEGATIVE_INFINITY) max = 0;
        double sum = 0;
        if (log) {
            for (int k = 0; k < n; k++) sum += Math.exp(x[off + k] - max);
            double lse = max + Math.log(sum);
            for (int k = 0; k < n; k++) y[off + k] = x[off + k] - lse;
        } else {
            for (int k = 0; k < n; k++) {
                double e = Math.exp(x[off + k] - max);
                y[off + k] = e;
                sum += e;
            }
            double inv = 1.0 / sum;
            for (int k = 0; k < n; k++) y[off + k] *= inv;
        }
    }

    // ---------------------------------------------------------------- column blocks (any other axis)

    private static void blockF(float[] x, float[] y, int base, int n, int inner, int j0, int j1, boolean log,
                               double[] max, double[] sum) {
        int w = j1 - j0;
        java.util.Arrays.fill(max, 0, w, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(sum, 0, w, 0.0);
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            for (int j = 0; j < w; j++) max[j] = Math.max(max[j], x[row + j]);
        }
        for (int j = 0; j < w; j++) if (max[j] == Double.NEGATIVE_INFINITY) max[j] = 0;
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            for (int j = 0; j < w; j++) sum[j] += Math.exp(x[row + j] - max[j]);
        }
        for (int j = 0; j < w; j++) sum[j] = log ? max[j] + Math.log(sum[j]) : 1.0 / sum[j];
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            for (int j = 0; j < w; j++) {
                y[row + j] = (float) (log ? x[row + j] - sum[j] : Math.exp(x[row + j] - max[j]) * sum[j]);
            }
        }
    }

    private static void blockD(double[] x, double[] y, int base, int n, int inner, int j0, int j1, boolean log,
                               double[] max, double[] sum) {
        int w = j1 - j0;
        java.util.Arrays.fill(max, 0, w, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(sum, 0, w, 0.0);
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            for (int j = 0; j < w; j++) max[j] = Math.max(max[j], x[row + j]);
        }
        for (int j = 0; j < w; j++) if (max[j] == Double.NEGATIVE_INFINITY) max[j] = 0;
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            for (int j = 0; j < w; j++) sum[j] += Math.exp(x[row + j] - max[j]);
        }
        for (int j = 0; j < w; j++) sum[j] = log ? max[j] + Math.log(sum[j]) : 1.0 / sum[j];
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            for (int j = 0; j < w; j++) y[row + j] = log ? x[row + j] - sum[j] : Math.exp(x[row + j] - max[j]) * sum[j];
        }
    }

    // ---------------------------------------------------------------- backward

    /** softmax: dx = y (dy - sum(dy y)); log-softmax: dx = dy - exp(y) sum(dy). */
    private static void backF(float[] y, float[] g, float[] dx, int base, int n, int inner, int j0, int j1,
                              boolean log, double[] acc) {
        int w = j1 - j0;
        java.util.Arrays.fill(acc, 0, w, 0.0);
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            if (log) for (int j = 0; j < w; j++) acc[j] += g[row + j];
            else for (int j = 0; j < w; j++) acc[j] += (double) g[row + j] * y[row + j];
        }
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            if (log) for (int j = 0; j < w; j++) dx[row + j] = (float) (g[row + j] - Math.exp(y[row + j]) * acc[j]);
            else for (int j = 0; j < w; j++) dx[row + j] = (float) (y[row + j] * (g[row + j] - acc[j]));
        }
    }

    private static void backD(double[] y, double[] g, double[] dx, int base, int n, int inner, int j0, int j1,
                              boolean log, double[] acc) {
        int w = j1 - j0;
        java.util.Arrays.fill(acc, 0, w, 0.0);
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            if (log) for (int j = 0; j < w; j++) acc[j] += g[row + j];
            else for (int j = 0; j < w; j++) acc[j] += g[row + j] * y[row + j];
        }
        for (int k = 0; k < n; k++) {
            int row = base + k * inner + j0;
            if (log) for (int j = 0; j < w; j++) dx[row + j] = g[row + j] - Math.exp(y[row + j]) * acc[j];
            else for (int j = 0; j < w; j++) dx[row + j] = y[row + j] * (g[row + j] - acc[j]);
        }
    }
}

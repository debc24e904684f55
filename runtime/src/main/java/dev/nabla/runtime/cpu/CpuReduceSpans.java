package dev.nabla.runtime.cpu;

import dev.nabla.runtime.backend.ReduceOp;

import java.util.Arrays;

/**
 * Reduction of contiguous spans, of leading rows, and of the outer and inner dims around a kept middle one
 * (float32). A span longer than {@link #CHUNK} is cut into fixed chunks reduced in parallel and combined in
 * order, so the rounding is the same on every machine.
 */
final class CpuReduceSpans {
    static final int CHUNK = 1 << 16;
    private static final int SUM = 0, MAX = 1, MIN = 2, PROD = 3, SUM_EXP = 4;

    private CpuReduceSpans() {}

    /** out[o] = op(x[from .. from + n)). */
    static void span(ReduceOp op, CpuBuffer x, int from, int n, CpuBuffer out, int o) {
        if (!x.dtype.isFloating()) {
            long v = switch (op) {
                case SUM -> integer(SUM, x, from, n);
                case MAX -> integer(MAX, x, from, n);
                case MIN -> integer(MIN, x, from, n);
                case PROD -> integer(PROD, x, from, n);
                default -> throw new IllegalStateException(op + " on " + x.dtype);
            };
            if (out.i != null) out.i[o] = (int) v; else out.l[o] = v;
            return;
        }
        double v = switch (op) {
            case SUM -> chunked(SUM, x, from, n, 0);
            case MEAN -> chunked(SUM, x, from, n, 0) / n;
            case MAX -> chunked(MAX, x, from, n, 0);
            case MIN -> chunked(MIN, x, from, n, 0);
            case PROD -> chunked(PROD, x, from, n, 0);
            case LOGSUMEXP -> {
                double m = chunked(MAX, x, from, n, 0);
                // All -inf, a +inf or a NaN: the max is the answer (and x - m would be NaN).
                if (Double.isInfinite(m) || Double.isNaN(m)) yield m;
                yield m + Math.log(chunked(SUM_EXP, x, from, n, m));
            }
        };
        out.set(o, v);
    }

    private static double chunked(int kind, CpuBuffer x, int from, int n, double shift) {
        if (n <= CHUNK) return floating(kind, x, from, from + n, shift);
        int chunks = (n + CHUNK - 1) / CHUNK;
        double[] part = new double[chunks];
        CpuThreads.parallelFor(chunks, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int s = from + c * CHUNK;
                part[c] = floating(kind, x, s, Math.min(s + CHUNK, from + n), shift);
            }
        });
        double acc = identity(kind);
        for (double p : part) acc = combine(kind, acc, p);
        return acc;
    }

    private static double identity(int kind) {
        return switch (kind) {
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case PROD -> 1.0;
            default -> 0.0;
        };
    }

    /** Math.max / Math.min propagate NaN, as PyTorch's amax / amin do. */
    private static double combine(int kind, double acc, double v) {
        return switch (kind) {
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
            case PROD -> acc * v;
            default -> acc + v;
        };
    }

    private static double floating(int kind, CpuBuffer x, int from, int to, double shift) {
        double acc = identity(kind);
        if (x.f != null) {
            float[] a = x.f;
            switch (kind) {
                case SUM -> { for (int i = from; i < to; i++) acc += a[i]; }
                case MAX -> { for (int i = from; i < to; i++) acc = Math.max(acc, a[i]); }
                case MIN -> { for (int i = from; i < to; i++) acc = Math.min(acc, a[i]); }
                case PROD -> { for (int i = from; i < to; i++) acc *= a[i]; }
                default -> { for (int i = from; i < to; i++) acc += Math.exp(a[i] - shift); }
            }
        } else {
            double[] a = x.d;
            switch (kind) {
                case SUM -> { for (int i = from; i < to; i++) acc += a[i]; }
                case MAX -> { for (int i = from; i < to; i++) acc = Math.max(acc, a[i]); }
                case MIN -> { for (int i = from; i < to; i++) acc = Math.min(acc, a[i]); }
                case PROD -> { for (int i = from; i < to; i++) acc *= a[i]; }
                default -> { for (int i = from; i < to; i++) acc += Math.exp(a[i] - shift); }
            }
        }
        return acc;
    }

    private static long integer(int kind, CpuBuffer x, int from, int n) {
        long acc = switch (kind) {
            case MAX -> Long.MIN_VALUE;
            case MIN -> Long.MAX_VALUE;
            case PROD -> 1L;
            default -> 0L;
        };
        int to = from + n;
        if (x.i != null) {
            int[] a = x.i;
            switch (kind) {
                case SUM -> { for (int i = from; i < to; i++) acc += a[i]; }
                case MAX -> { for (int i = from; i < to; i++) acc = Math.max(acc, a[i]); }
                case MIN -> { for (int i = from; i < to; i++) acc = Math.min(acc, a[i]); }
                default -> { for (int i = from; i < to; i++) acc *= a[i]; }
            }
        } else {
            long[] a = x.l;
            switch (kind) {
                case SUM -> { for (int i = from; i < to; i++) acc += a[i]; }
                case MAX -> { for (int i = from; i < to; i++) acc = Math.max(acc, a[i]); }
                case MIN -> { for (int i = from; i < to; i++) acc = Math.min(acc, a[i]); }
                default -> { for (int i = from; i < to; i++) acc *= a[i]; }
            }
        }
        return acc;
    }

    /**
     * Reduces the leading {@code rows} rows of a [rows, inner] floating array into out[inner]
     * (SUM, MEAN, MAX, MIN, PROD), streaming each row into per-column accumulators.
     */
    static void outer(ReduceOp op, CpuBuffer x, int rows, int inner, CpuBuffer out) {
        int kind = switch (op) {
            case SUM, MEAN -> SUM;
            case MAX -> MAX;
            case MIN -> MIN;
            case PROD -> PROD;
            default -> throw new IllegalStateException(op.name());
        };
        boolean mean = op == ReduceOp.MEAN;
        CpuThreads.parallelFor(inner, Math.max(16, CpuBroadcast.GRAIN / Math.max(1, rows)), (j0, j1) -> {
            double[] acc = new double[j1 - j0];
            java.util.Arrays.fill(acc, identity(kind));
            int w = j1 - j0;
            if (kind == SUM && x.f != null && CpuGemm.VECTOR && CpuReduceVector.USABLE) {
                CpuReduceVector.sumColumns(x.f, rows, inner, j0, j1, acc); // the same sums, bit for bit
                for (int j = 0; j < w; j++) out.set(j0 + j, mean ? acc[j] / rows : acc[j]);
                return;
            }
            for (int r = 0; r < rows; r++) {
                int base = r * inner + j0;
                if (x.f != null) {
                    float[] a = x.f;
                    switch (kind) {
                        case SUM -> { for (int j = 0; j < w; j++) acc[j] += a[base + j]; }
                        case MAX -> { for (int j = 0; j < w; j++) acc[j] = Math.max(acc[j], a[base + j]); }
                        case MIN -> { for (int j = 0; j < w; j++) acc[j] = Math.min(acc[j], a[base + j]); }
                        default -> { for (int j = 0; j < w; j++) acc[j] *= a[base + j]; }
                    }
                } else {
                    double[] a = x.d;
                    switch (kind) {
                        case SUM -> { for (int j = 0; j < w; j++) acc[j] += a[base + j]; }
                        case MAX -> { for (int j = 0; j < w; j++) acc[j] = Math.max(acc[j], a[base + j]); }
                        case MIN -> { for (int j = 0; j < w; j++) acc[j] = Math.min(acc[j], a[base + j]); }
                        default -> { for (int j = 0; j < w; j++) acc[j] *= a[base + j]; }
                    }
                }
            }
            for (int j = 0; j < w; j++) out.set(j0 + j, mean ? acc[j] / rows : acc[j]);
        });
    }

    /**
     * Reduces a float32 [outer, mid, inner] array over outer and inner into out[mid] (SUM, MEAN, MAX, MIN,
     * PROD): the bias gradient of a conv or of a [1, C, 1, 1] broadcast. Each channel's rows are cut into
     * blocks of about {@link #CHUNK} elements, fixed by the shape alone; a block streams its contiguous
     * spans into four double accumulators (eight-lane double vectors for a vectorised sum), and the blocks'
     * results combine in order. The rounding therefore depends on the shape only, not on the threads, and the
     * sum still accumulates in double.
     *
     * <p>The work is split into (row block, channel range) units, and a unit walks its rows in memory order,
     * each row's channels one after the other with their accumulators kept in an array: one sequential read
     * of each range. Walking one channel's spans across all rows instead jumps {@code mid * inner} elements
     * per span, which on a large gradient ran several times slower than memory allows.
     */
    static void middle(ReduceOp op, float[] x, int outer, int mid, int inner, CpuBuffer out) {
        int kind = switch (op) {
            case SUM, MEAN -> SUM;
            case MAX -> MAX;
            case MIN -> MIN;
            case PROD -> PROD;
            default -> throw new IllegalStateException(op.name());
        };
        boolean vector = kind == SUM && CpuGemm.VECTOR && CpuReduceVector.USABLE;
        int rowsPerBlock = Math.max(1, CHUNK / Math.max(1, inner));
        int blocks = Math.max(1, (outer + rowsPerBlock - 1) / rowsPerBlock); // one empty block when outer == 0
        double[] part = new double[mid * blocks];
        // One channel range per thread, each over every block: the threads' shares are equal, and a unit reads
        // its range of each row in one contiguous span. (Ranges sized by GRAIN instead came to one channel per
        // unit on a conv's bias gradient, [128, 32, 784]: 83 spans of 3 KB per unit, 100 KB apart, 0.5 ms for
        // 12.8 MB on two threads.) The ranges do not change any sum: each channel's blocks are fixed by the shape.
        long total = (long) outer * mid * inner;
        int ranges = total < 2L * CpuBroadcast.GRAIN ? 1 : Math.max(1, Math.min(mid, CpuThreads.threads()));
        CpuThreads.parallelFor(blocks * ranges, 1, (u0, u1) -> {
            for (int u = u0; u < u1; u++) {
                int cr = u / blocks, b = u % blocks;
                int c0 = (int) ((long) mid * cr / ranges), c1 = (int) ((long) mid * (cr + 1) / ranges);
                int r0 = b * rowsPerBlock, r1 = Math.min(outer, r0 + rowsPerBlock);
                if (vector) CpuReduceVector.sumBlock(x, r0, r1, c0, c1, mid, inner, part, blocks, b);
                else block(kind, x, r0, r1, c0, c1, mid, inner, part, blocks, b);
            }
        });
        double count = (double) outer * inner;
        for (int c = 0; c < mid; c++) {
            double acc = part[c * blocks];
            for (int b = 1; b < blocks; b++) acc = combine(kind, acc, part[c * blocks + b]);
            out.f[c] = (float) (op == ReduceOp.MEAN ? acc / count : acc);
        }
    }

    /**
     * op over x[r, c, 0 .. inner) for rows [r0, r1), per channel c in [c0, c1): four interleaved accumulators
     * per channel, combined pairwise into {@code part[c * blocks + b]}.
     */
    private static void block(int kind, float[] x, int r0, int r1, int c0, int c1, int mid, int inner,
                              double[] part, int blocks, int b) {
        int n = c1 - c0, body = inner & ~3;
        double[] acc = new double[4 * n];
        Arrays.fill(acc, identity(kind));
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                int a = 4 * (c - c0), base = (r * mid + c) * inner, end = base + body, i = base;
                double a0 = acc[a], a1 = acc[a + 1], a2 = acc[a + 2], a3 = acc[a + 3];
                switch (kind) {
                    case SUM -> {
                        for (; i < end; i += 4) { a0 += x[i]; a1 += x[i + 1]; a2 += x[i + 2]; a3 += x[i + 3]; }
                        for (; i < base + inner; i++) a0 += x[i];
                    }
                    case MAX -> {
                        for (; i < end; i += 4) {
                            a0 = Math.max(a0, x[i]); a1 = Math.max(a1, x[i + 1]); a2 = Math.max(a2, x[i + 2]); a3 = Math.max(a3, x[i + 3]);
                        }
                        for (; i < base + inner; i++) a0 = Math.max(a0, x[i]);
                    }
                    case MIN -> {
                        for (; i < end; i += 4) {
                            a0 = Math.min(a0, x[i]); a1 = Math.min(a1, x[i + 1]); a2 = Math.min(a2, x[i + 2]); a3 = Math.min(a3, x[i + 3]);
                        }
                        for (; i < base + inner; i++) a0 = Math.min(a0, x[i]);
                    }
                    default -> {
                        for (; i < end; i += 4) { a0 *= x[i]; a1 *= x[i + 1]; a2 *= x[i + 2]; a3 *= x[i + 3]; }
                        for (; i < base + inner; i++) a0 *= x[i];
                    }
                }
                acc[a] = a0;
                acc[a + 1] = a1;
                acc[a + 2] = a2;
                acc[a + 3] = a3;
            }
        }
        for (int c = c0; c < c1; c++) {
            int a = 4 * (c - c0);
            part[c * blocks + b] = combine(kind, combine(kind, acc[a], acc[a + 1]), combine(kind, acc[a + 2], acc[a + 3]));
        }
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.CopyKernels;

/**
 * Strided copies for every dtype. The index space is first collapsed (size-1 dims dropped, dims that are
 * contiguous in the strided operand merged), so that most layouts reduce to runs of the last dim: a run
 * with stride 1 is one {@code System.arraycopy}; a last dim with a stride but a stride-1 dim next to it is
 * a (batched) transpose, copied in cache-sized tiles.
 */
final class CpuCopy implements CopyKernels {
    private static final int TILE = 32;
    /** Elements per task below which a copy stays on the calling thread. */
    static final int GRAIN = 1 << 15;

    @Override public Buffer stridedCopy(Buffer src, long offset, long[] strides, Shape out) {
        CpuBuffer s = CpuBuffer.of(src, "stridedCopy");
        checkStrides("stridedCopy", strides, out);
        checkBounds("stridedCopy", s.size, offset, strides, out);
        CpuBuffer o = CpuBackend.allocUninitialized(s.dtype, out.numel());
        if (out.numel() == 0) return o;
        Layout l = Layout.collapse(out.dims(), strides);
        Object sa = array(s), oa = array(o);
        int r = l.dims.length;
        if (r >= 2 && l.strides[r - 1] != 1 && l.strides[r - 2] == 1 && l.dims[r - 1] >= 4 && l.dims[r - 2] >= 4) {
            transposeBatched(sa, (int) offset, l, oa);
        } else {
            runs(l, (row, srcOff, dstOff, len, stride) -> copyRun(sa, (int) (offset + srcOff), (int) stride, oa, (int) dstOff, len));
        }
        return o;
    }

    @Override public void stridedWrite(Buffer dst, long offset, long[] strides, Buffer src, Shape srcShape) {
        CpuBuffer d = CpuBuffer.of(dst, "stridedWrite"), s = CpuBuffer.of(src, "stridedWrite");
        if (d.dtype != s.dtype) {
            throw new DTypeMismatchException("stridedWrite: source is " + s.dtype + " but destination is " + d.dtype);
        }
        if (s.size != srcShape.numel()) {
            throw new InvalidArgumentException("stridedWrite: source has " + s.size + " elements, shape " + srcShape
                    + " needs " + srcShape.numel());
        }
        checkStrides("stridedWrite", strides, srcShape);
        checkBounds("stridedWrite", d.size, offset, strides, srcShape);
        if (srcShape.numel() == 0) return;
        Layout l = Layout.collapse(srcShape.dims(), strides);
        Object sa = array(s), da = array(d);
        runs(l, (row, dstOff, srcOff, len, stride) -> writeRun(sa, (int) srcOff, da, (int) (offset + dstOff), (int) stride, len));
    }

    /**
     * {@link dev.nabla.runtime.backend.Backend#pad} writing each output element once: the output as rows of the
     * innermost padded dim (its trailing dims unpadded, so contiguous), each row either wholly padding (some
     * outer index in a pad) or [value x before][the source's contiguous block][value x after]; element ranges
     * split across threads.
     */
    static CpuBuffer pad(CpuBuffer s, Shape srcShape, int[] before, int[] after, double value) {
        int r = srcShape.rank();
        if (before.length != r || after.length != r) {
            throw new InvalidArgumentException("pad: expected " + r + " pads per side for shape " + srcShape + ", got "
                    + before.length + " and " + after.length);
        }
        if (s.size != srcShape.numel()) {
            throw new InvalidArgumentException("pad: source has " + s.size + " elements, shape " + srcShape + " needs "
                    + srcShape.numel());
        }
        int[] in = srcShape.dims(), out = new int[r];
        int last = -1;
        for (int d = 0; d < r; d++) {
            if (before[d] < 0 || after[d] < 0) {
                throw new InvalidArgumentException("pad: pads must be >= 0, got " + java.util.Arrays.toString(before)
                        + " and " + java.util.Arrays.toString(after));
            }
            out[d] = in[d] + before[d] + after[d];
            if (before[d] != 0 || after[d] != 0) last = d;
        }
        int p = last; // the innermost padded dim
        long total = Shape.of(out).numel();
        CpuBuffer o = CpuBackend.allocUninitialized(s.dtype, total);
        if (total == 0) return o;
        if (p < 0 || srcShape.numel() == 0) {
            if (p < 0) copyRun(array(s), 0, 1, array(o), 0, (int) total);
            else CpuBackend.fill(o, 0, total, value);
            return o;
        }
        long inner = 1;
        for (int d = p + 1; d < r; d++) inner *= in[d];
        long head = before[p] * inner, body = in[p] * inner, rowLen = (long) out[p] * inner;
        Object sa = array(s), oa = array(o);
        long chunks = (total + GRAIN - 1) / GRAIN;
        CpuThreads.parallelFor((int) Math.min(Integer.MAX_VALUE, chunks), 1, (c0, c1) -> {
            long e = c0 * (long) GRAIN, end = Math.min(total, c1 * (long) GRAIN);
            while (e < end) {
                long row = e / rowLen, rowEnd = Math.min(end, (row + 1) * rowLen);
                long srcRow = sourceRow(row, p, in, out, before);
                if (srcRow < 0) {
                    CpuBackend.fill(o, e, rowEnd, value);
                } else {
                    long rowStart = row * rowLen;
                    long a = Math.min(rowEnd, rowStart + head), b = Math.min(rowEnd, rowStart + head + body);
                    if (e < a) CpuBackend.fill(o, e, a, value);
                    long from = Math.max(e, a);
                    if (from < b) {
                        copyRun(sa, (int) (srcRow * body + (from - rowStart - head)), 1, oa, (int) from, (int) (b - from));
                    }
                    long tail = Math.max(e, b);
                    if (tail < rowEnd) CpuBackend.fill(o, tail, rowEnd, value);
                }
                e = rowEnd;
            }
        });
        return o;
    }

    /** The source row (over dims [0, p)) of output row {@code row}, or -1 when one of its indices lies in a pad. */
    private static long sourceRow(long row, int p, int[] in, int[] out, int[] before) {
        long src = 0, scale = 1;
        for (int d = p - 1; d >= 0; d--) {
            int idx = (int) (row % out[d]) - before[d];
            row /= out[d];
            if (idx < 0 || idx >= in[d]) return -1;
            src += idx * scale;
            scale *= in[d];
        }
        return src;
    }

    // ---------------------------------------------------------------- index space

    /** Dims and strides after dropping size-1 dims and merging dims contiguous in the strided operand. */
    record Layout(int[] dims, long[] strides) {
        static Layout collapse(int[] dims, long[] strides) {
            int[] d = new int[Math.max(1, dims.length)];
            long[] s = new long[d.length];
            int r = 0;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] == 1) continue;
                if (r > 0 && s[r - 1] == strides[i] * dims[i]) {
                    d[r - 1] *= dims[i];
                    s[r - 1] = strides[i];
                } else {
                    d[r] = dims[i];
                    s[r] = strides[i];
                    r++;
                }
            }
            if (r == 0) {
                d[0] = 1;
                s[0] = 1;
                r = 1;
            }
            return new Layout(java.util.Arrays.copyOf(d, r), java.util.Arrays.copyOf(s, r));
        }
    }

    @FunctionalInterface
    private interface RunBody {
        /** One run of {@code len} elements: strided side starts at {@code stridedOff} with {@code stride}, dense side at {@code denseOff}. */
        void run(int row, long stridedOff, long denseOff, int len, long stride);
    }

    /** Calls {@code body} for every run of the last collapsed dim, rows split across threads. */
    private static void runs(Layout l, RunBody body) {
        int r = l.dims.length;
        int len = l.dims[r - 1];
        long stride = l.strides[r - 1];
        long rowsL = 1;
        for (int i = 0; i < r - 1; i++) rowsL *= l.dims[i];
        int rows = (int) rowsL;
        int grain = Math.max(1, GRAIN / Math.max(1, len));
        CpuThreads.parallelFor(rows, grain, (from, to) -> {
            int[] idx = new int[Math.max(0, r - 1)];
            long off = 0;
            int rem = from;
            for (int i = r - 2; i >= 0; i--) {
                idx[i] = rem % l.dims[i];
                rem /= l.dims[i];
                off += idx[i] * l.strides[i];
            }
            for (int row = from; row < to; row++) {
                body.run(row, off, (long) row * len, len, stride);
                for (int i = r - 2; i >= 0; i--) {
                    if (++idx[i] < l.dims[i]) {
                        off += l.strides[i];
                        break;
                    }
                    off -= (long) (l.dims[i] - 1) * l.strides[i];
                    idx[i] = 0;
                }
            }
        });
    }

    /** out[b][i][j] = src[off_b + i*sRow + j*sCol] where sRow... is 1: read down columns in tiles. */
    private static void transposeBatched(Object src, int offset, Layout l, Object out) {
        int r = l.dims.length;
        int rowsN = l.dims[r - 2], cols = l.dims[r - 1];
        long colStride = l.strides[r - 1];
        int batches = 1;
        for (int i = 0; i < r - 2; i++) batches *= l.dims[i];
        int tilesR = (rowsN + TILE - 1) / TILE;
        int tasks = batches * tilesR;
        int per = rowsN * cols;
        CpuThreads.parallelFor(tasks, Math.max(1, GRAIN / Math.max(1, TILE * cols)), (from, to) -> {
            for (int t = from; t < to; t++) {
                int b = t / tilesR, tr = t % tilesR;
                long boff = offset;
                int rem = b;
                for (int i = r - 3; i >= 0; i--) {
                    boff += (rem % l.dims[i]) * l.strides[i];
                    rem /= l.dims[i];
                }
                int i0 = tr * TILE, i1 = Math.min(rowsN, i0 + TILE);
                int obase = b * per;
                for (int j0 = 0; j0 < cols; j0 += TILE) {
                    int j1 = Math.min(cols, j0 + TILE);
                    tile(src, (int) boff, (int) colStride, out, obase, cols, i0, i1, j0, j1);
                }
            }
        });
    }

    private static void tile(Object src, int soff, int colStride, Object out, int obase, int cols, int i0, int i1, int j0, int j1) {
        if (src instanceof float[] s) {
            float[] o = (float[]) out;
            for (int j = j0; j < j1; j++) for (int i = i0; i < i1; i++) o[obase + i * cols + j] = s[soff + i + j * colStride];
        } else if (src instanceof double[] s) {
            double[] o = (double[]) out;
            for (int j = j0; j < j1; j++) for (int i = i0; i < i1; i++) o[obase + i * cols + j] = s[soff + i + j * colStride];
        } else if (src instanceof int[] s) {
            int[] o = (int[]) out;
            for (int j = j0; j < j1; j++) for (int i = i0; i < i1; i++) o[obase + i * cols + j] = s[soff + i + j * colStride];
        } else {
            long[] s = (long[]) src, o = (long[]) out;
            for (int j = j0; j < j1; j++) for (int i = i0; i < i1; i++) o[obase + i * cols + j] = s[soff + i + j * colStride];
        }
    }

    // ---------------------------------------------------------------- runs

    private static void copyRun(Object src, int soff, int stride, Object dst, int doff, int len) {
        if (stride == 1) {
            System.arraycopy(src, soff, dst, doff, len);
        } else if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int k = 0; k < len; k++) d[doff + k] = s[soff + k * stride];
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int k = 0; k < len; k++) d[doff + k] = s[soff + k * stride];
        } else if (src instanceof int[] s) {
            int[] d = (int[]) dst;
            for (int k = 0; k < len; k++) d[doff + k] = s[soff + k * stride];
        } else {
            long[] s = (long[]) src, d = (long[]) dst;
            for (int k = 0; k < len; k++) d[doff + k] = s[soff + k * stride];
        }
    }

    private static void writeRun(Object src, int soff, Object dst, int doff, int stride, int len) {
        if (stride == 1) {
            System.arraycopy(src, soff, dst, doff, len);
        } else if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int k = 0; k < len; k++) d[doff + k * stride] = s[soff + k];
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int k = 0; k < len; k++) d[doff + k * stride] = s[soff + k];
        } else if (src instanceof int[] s) {
            int[] d = (int[]) dst;
            for (int k = 0; k < len; k++) d[doff + k * stride] = s[soff + k];
        } else {
            long[] s = (long[]) src, d = (long[]) dst;
            for (int k = 0; k < len; k++) d[doff + k * stride] = s[soff + k];
        }
    }

    // ---------------------------------------------------------------- checks

    static Object array(CpuBuffer b) {
        return switch (b.dtype) {
            case FLOAT32 -> b.f;
            case FLOAT64 -> b.d;
            case INT32 -> b.i;
            case INT64 -> b.l;
        };
    }

    private static void checkStrides(String op, long[] strides, Shape shape) {
        if (strides == null || strides.length != shape.rank()) {
            throw new InvalidArgumentException(op + ": " + (strides == null ? "null" : strides.length)
                    + " strides for shape " + shape + " (rank " + shape.rank() + ")");
        }
    }

    /** The lowest and highest element touched must lie inside the strided buffer. */
    private static void checkBounds(String op, long size, long offset, long[] strides, Shape shape) {
        if (shape.numel() == 0) return;
        long lo = offset, hi = offset;
        int[] dims = shape.dims();
        for (int i = 0; i < dims.length; i++) {
            long span = (dims[i] - 1) * strides[i];
            if (span < 0) lo += span; else hi += span;
        }
        if (lo < 0 || hi >= size) {
            throw new InvalidArgumentException(op + ": offset " + offset + " and strides " + java.util.Arrays.toString(strides)
                    + " over shape " + shape + " reach elements [" + lo + ", " + hi + "] of a buffer of " + size);
        }
    }
}

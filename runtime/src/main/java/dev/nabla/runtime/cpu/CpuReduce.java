package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.ArgReduceOp;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.ReduceKernels;
import dev.nabla.runtime.backend.ReduceOp;

/**
 * CPU reductions. The dims are first coalesced into alternating kept / reduced groups; then
 * <ul>
 *   <li>reducing the innermost dims ([kept, reduced]) reduces contiguous spans, one per output element;</li>
 *   <li>reducing the outer dims ([reduced, kept], e.g. a linear layer's bias gradient) streams rows into
 *   accumulators;</li>
 *   <li>reducing all but a middle dim of float32 ([reduced, kept, reduced], e.g. a conv's bias gradient) streams
 *   each channel's contiguous spans;</li>
 *   <li>anything else gathers each output's elements into a scratch span first.</li>
 * </ul>
 * Floating values accumulate in double (float32 sums included), integers in long. Long spans are split
 * into fixed chunks, so results do not depend on the number of threads.
 */
final class CpuReduce implements ReduceKernels {
    @Override public Buffer reduce(ReduceOp op, Buffer xb, Shape shape, int[] axes) {
        String name = "reduce_" + op.name().toLowerCase();
        CpuBuffer x = CpuBuffer.of(xb, name);
        if (!x.dtype.isFloating() && (op == ReduceOp.MEAN || op == ReduceOp.LOGSUMEXP)) {
            throw new DTypeMismatchException(name + ": expected FLOAT32 or FLOAT64, got " + x.dtype);
        }
        boolean[] reduced = new boolean[shape.rank()];
        for (int a : axes) reduced[a] = true;
        int[] dims = shape.dims();
        long outN = 1;
        for (int i = 0; i < dims.length; i++) if (!reduced[i]) outN *= dims[i];
        CpuBuffer out = CpuBackend.alloc(x.dtype, outN);
        Groups g = Groups.of(dims, reduced);
        int count = (int) g.reducedCount();
        if (g.kinds.length == 0 || (g.kinds.length == 1 && !g.kinds[0])) {
            // Nothing reduced (or only size-1 dims): every op maps one element to itself.
            CpuBackend.instance().copyInto(x, out);
        } else if (g.kinds[g.kinds.length - 1] && g.kinds.length <= 2) {
            int outer = out.size;
            CpuThreads.parallelFor(outer, Math.max(1, CpuBroadcast.GRAIN / Math.max(1, count)), (from, to) -> {
                for (int o = from; o < to; o++) CpuReduceSpans.span(op, x, o * count, count, out, o);
            });
        } else if (g.kinds.length == 2 && x.dtype.isFloating() && op != ReduceOp.LOGSUMEXP) {
            CpuReduceSpans.outer(op, x, count, out.size, out);
        } else if (g.kinds.length == 3 && g.kinds[0] && x.dtype == DType.FLOAT32 && op != ReduceOp.LOGSUMEXP) {
            CpuReduceSpans.middle(op, x.f, g.sizes[0], g.sizes[1], g.sizes[2], out);
        } else {
            gathered(op, x, g, out);
        }
        return out;
    }

    /** General layout: gathers each output's elements (offsets precomputed once) into a scratch span. */
    private static void gathered(ReduceOp op, CpuBuffer x, Groups g, CpuBuffer out) {
        int count = (int) g.reducedCount();
        int[] roffs = g.offsets(true);
        int[] ooffs = g.offsets(false);
        CpuThreads.parallelFor(out.size, Math.max(1, CpuBroadcast.GRAIN / Math.max(1, count)), (from, to) -> {
            CpuBuffer scratch = CpuBuffer.allocate(x.dtype == DType.FLOAT32 ? DType.FLOAT64 : x.dtype, count);
            for (int o = from; o < to; o++) {
                int base = ooffs[o];
                switch (x.dtype) {
                    case FLOAT32 -> { for (int t = 0; t < count; t++) scratch.d[t] = x.f[base + roffs[t]]; }
                    case FLOAT64 -> { for (int t = 0; t < count; t++) scratch.d[t] = x.d[base + roffs[t]]; }
                    case INT32 -> { for (int t = 0; t < count; t++) scratch.i[t] = x.i[base + roffs[t]]; }
                    case INT64 -> { for (int t = 0; t < count; t++) scratch.l[t] = x.l[base + roffs[t]]; }
                }
                CpuReduceSpans.span(op, scratch, 0, count, out, o);
            }
        });
    }

    @Override public Buffer argReduce(ArgReduceOp op, Buffer xb, Shape shape, int axis) {
        CpuBuffer x = CpuBuffer.of(xb, op.name().toLowerCase());
        int n = shape.dim(axis);
        int inner = (int) shape.numel(axis + 1, shape.rank());
        int outer = (int) shape.numel(0, axis);
        CpuBuffer out = CpuBackend.alloc(DType.INT64, (long) outer * inner);
        boolean max = op == ArgReduceOp.ARGMAX;
        CpuThreads.parallelFor(out.size, Math.max(1, CpuBroadcast.GRAIN / Math.max(1, n)), (from, to) -> {
            for (int o = from; o < to; o++) {
                int base = (o / inner) * n * inner + o % inner;
                out.l[o] = x.dtype.isFloating() ? argFloating(x, base, inner, n, max) : argInteger(x, base, inner, n, max);
            }
        });
        return out;
    }

    /** First index of the max / min; a NaN beats everything and the first NaN wins (PyTorch). */
    private static long argFloating(CpuBuffer x, int base, int step, int n, boolean max) {
        double best = x.get(base);
        int idx = 0;
        for (int t = 1; t < n && !Double.isNaN(best); t++) {
            double v = x.dtype == DType.FLOAT32 ? x.f[base + t * step] : x.d[base + t * step];
            if (Double.isNaN(v) || (max ? v > best : v < best)) {
                best = v;
                idx = t;
            }
        }
        return idx;
    }

    private static long argInteger(CpuBuffer x, int base, int step, int n, boolean max) {
        long best = x.getLong(base);
        int idx = 0;
        for (int t = 1; t < n; t++) {
            long v = x.getLong(base + t * step);
            if (max ? v > best : v < best) {
                best = v;
                idx = t;
            }
        }
        return idx;
    }

    /** Dims merged into runs of kept (false) or reduced (true) dims, outermost first; size-1 dims dropped. */
    private record Groups(int[] sizes, boolean[] kinds) {
        static Groups of(int[] dims, boolean[] reduced) {
            int[] sizes = new int[dims.length];
            boolean[] kinds = new boolean[dims.length];
            int r = 0;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] == 1) continue;
                if (r > 0 && kinds[r - 1] == reduced[i]) {
                    sizes[r - 1] *= dims[i];
                } else {
                    sizes[r] = dims[i];
                    kinds[r] = reduced[i];
                    r++;
                }
            }
            return new Groups(java.util.Arrays.copyOf(sizes, r), java.util.Arrays.copyOf(kinds, r));
        }

        long reducedCount() {
            long n = 1;
            for (int i = 0; i < sizes.length; i++) if (kinds[i]) n *= sizes[i];
            return n;
        }

        /** Input offsets of every index over the groups of one kind, in row-major order. */
        int[] offsets(boolean kind) {
            long[] strides = new long[sizes.length];
            long acc = 1;
            for (int i = sizes.length - 1; i >= 0; i--) {
                strides[i] = acc;
                acc *= sizes[i];
            }
            int[] offs = {0};
            for (int i = 0; i < sizes.length; i++) {
                if (kinds[i] != kind) continue;
                int[] next = new int[offs.length * sizes[i]];
                for (int p = 0; p < offs.length; p++) {
                    for (int j = 0; j < sizes[i]; j++) next[p * sizes[i] + j] = (int) (offs[p] + j * strides[i]);
                }
                offs = next;
            }
            return offs;
        }
    }
}

package dev.nabla.runtime.cpu;

import dev.nabla.runtime.Shape;

/**
 * Walks a contiguous output and its broadcast operands together. Adjacent dims that every operand reads
 * contiguously (or not at all) are merged first, so equal shapes become one flat run and [2,3] x [3]
 * becomes rows of 3; the body is then called once per block of runs of the innermost dim with the operands'
 * offsets.
 */
final class CpuBroadcast {
    /** Elements per task below which a walk is not split across threads. */
    static final int GRAIN = 1 << 15;

    /**
     * A block of {@code rows} runs of {@code len} output elements each, back to back from {@code outOff}: in
     * run r, operand k starts at {@code offs[k] + r * rowSteps[k]} and steps by {@code steps[k]}. Blocks of
     * whole rows let a kernel loop over short rows (a [128] bias added to [2048, 128]) without a call per row.
     */
    @FunctionalInterface
    interface Run { void run(int outOff, int rows, int len, int[] offs, int[] steps, int[] rowSteps); }

    private final int[] dims;
    private final long[][] strides; // [operand][dim]
    private final int n;

    private CpuBroadcast(int[] dims, long[][] strides, int n) {
        this.dims = dims;
        this.strides = strides;
        this.n = n;
    }

    /** Plans a walk over {@code out} reading each operand shape broadcast to it. */
    static CpuBroadcast plan(Shape out, Shape... operands) {
        int rank = out.rank();
        int[] od = out.dims();
        long[][] st = new long[operands.length][];
        for (int k = 0; k < operands.length; k++) st[k] = operands[k].broadcastStrides(out);
        // Drop size-1 dims, then merge dim i into dim i+1 when every operand's stride allows it.
        int[] dims = new int[Math.max(rank, 1)];
        long[][] strides = new long[operands.length][Math.max(rank, 1)];
        int r = 0;
        for (int i = 0; i < rank; i++) {
            if (od[i] == 1) continue;
            boolean merge = r > 0;
            for (int k = 0; merge && k < operands.length; k++) {
                if (strides[k][r - 1] != st[k][i] * od[i]) merge = false;
            }
            if (merge) {
                dims[r - 1] *= od[i];
                for (int k = 0; k < operands.length; k++) strides[k][r - 1] = st[k][i];
            } else {
                dims[r] = od[i];
                for (int k = 0; k < operands.length; k++) strides[k][r] = st[k][i];
                r++;
            }
        }
        if (r == 0) { // a scalar, or all dims of size 1
            dims[0] = 1;
            r = 1;
        }
        int[] d = java.util.Arrays.copyOf(dims, r);
        long[][] s = new long[operands.length][];
        for (int k = 0; k < operands.length; k++) s[k] = java.util.Arrays.copyOf(strides[k], r);
        return new CpuBroadcast(d, s, (int) out.numel());
    }

    /**
     * Calls {@code body} for every run, in parallel over contiguous ranges of the output; consecutive whole runs
     * of the innermost dim that share the next dim go together as one block.
     */
    void forEach(Run body) {
        int last = dims.length - 1;
        int ops = strides.length;
        int[] steps = new int[ops], rowSteps = new int[ops];
        for (int k = 0; k < ops; k++) {
            steps[k] = (int) strides[k][last];
            rowSteps[k] = last > 0 ? (int) strides[k][last - 1] : 0;
        }
        CpuThreads.parallelFor(n, GRAIN, (from, to) -> {
            int[] idx = new int[dims.length];
            int[] offs = new int[ops];
            // Decompose `from` into a multi-index and the operands' offsets.
            long rem = from;
            for (int dd = last; dd >= 0; dd--) {
                idx[dd] = (int) (rem % dims[dd]);
                rem /= dims[dd];
            }
            for (int k = 0; k < ops; k++) {
                long o = 0;
                for (int dd = 0; dd <= last; dd++) o += idx[dd] * strides[k][dd];
                offs[k] = (int) o;
            }
            int pos = from;
            int[] start = new int[ops];
            while (pos < to) {
                System.arraycopy(offs, 0, start, 0, ops);
                int carryFrom;
                if (last > 0 && idx[last] == 0 && to - pos >= dims[last]) {
                    // Whole rows: as many as the range holds without leaving the next dim.
                    int rows = Math.min((to - pos) / dims[last], dims[last - 1] - idx[last - 1]);
                    body.run(pos, rows, dims[last], start, steps, rowSteps);
                    pos += rows * dims[last];
                    idx[last - 1] += rows;
                    for (int k = 0; k < ops; k++) offs[k] += (int) (rows * strides[k][last - 1]);
                    carryFrom = last - 1;
                } else {
                    int len = Math.min(to - pos, dims[last] - idx[last]);
                    body.run(pos, 1, len, start, steps, rowSteps);
                    pos += len;
                    idx[last] += len;
                    for (int k = 0; k < ops; k++) offs[k] += (int) (len * strides[k][last]);
                    carryFrom = last;
                }
                // Carry a full dim into the one outside it.
                for (int dd = carryFrom; dd > 0 && idx[dd] == dims[dd]; dd--) {
                    idx[dd] = 0;
                    idx[dd - 1]++;
                    for (int k = 0; k < ops; k++) {
                        offs[k] += (int) (strides[k][dd - 1] - (long) dims[dd] * strides[k][dd]);
                    }
                }
            }
        });
    }
}

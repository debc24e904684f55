package dev.nabla.runtime.cuda;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;

import java.util.Arrays;

/**
 * The {@code NdLayout} struct of {@code elementwise.cu}, passed to kernels by value as a {@code long[32]}:
 * the output shape in slots 0..8 and the element strides of up to three operands in 8..16, 16..24, 24..32.
 * Adjacent dims that every operand walks contiguously are merged first, so ranks above the kernels'
 * limit of 8 work whenever they collapse, and the index arithmetic in the kernel is as short as it can be.
 */
final class NdLayout {
    static final int MAX_RANK = 8;

    final int rank;
    final long[] packed;

    private NdLayout(int rank, long[] packed) { this.rank = rank; this.packed = packed; }

    /** A layout for output {@code out} with one stride vector per operand (each of out's rank). */
    static NdLayout of(String op, Shape out, long[]... strides) {
        int r = out.rank();
        long[] shape = new long[r];
        for (int d = 0; d < r; d++) shape[d] = out.dim(d);
        long[][] st = new long[strides.length][];
        for (int k = 0; k < strides.length; k++) {
            if (strides[k].length != r) {
                throw new InvalidArgumentException(op + ": operand " + k + " has " + strides[k].length
                        + " strides for output shape " + out + "; expected " + r);
            }
            st[k] = strides[k].clone();
        }
        // drop size-1 dims (their stride never matters), then merge d into d+1 where contiguous for all
        int n = 0;
        for (int d = 0; d < r; d++) {
            if (shape[d] == 1) continue;
            shape[n] = shape[d];
            for (long[] s : st) s[n] = s[d];
            n++;
        }
        int m = 0;
        for (int d = 0; d < n; d++) {
            if (m > 0 && mergeable(shape, st, m - 1, d)) {
                shape[m - 1] *= shape[d];
                for (long[] s : st) s[m - 1] = s[d];
            } else {
                shape[m] = shape[d];
                for (long[] s : st) s[m] = s[d];
                m++;
            }
        }
        if (m > MAX_RANK) {
            throw new InvalidArgumentException(op + ": output shape " + out + " with operand strides "
                    + Arrays.deepToString(strides) + " needs " + m + " dims after merging; the CUDA kernels take at most "
                    + MAX_RANK);
        }
        long[] packed = new long[4 * MAX_RANK];
        for (int d = 0; d < m; d++) {
            packed[d] = shape[d];
            for (int k = 0; k < st.length; k++) packed[MAX_RANK * (k + 1) + d] = st[k][d];
        }
        return new NdLayout(m, packed);
    }

    /** dims a (outer) and b (inner) merge when, for every operand, stride[a] == stride[b] * size[b]. */
    private static boolean mergeable(long[] shape, long[][] st, int a, int b) {
        for (long[] s : st) if (s[a] != s[b] * shape[b]) return false;
        return true;
    }

    /** Strides of an operand of shape {@code in} broadcast to {@code out} (0 on broadcast dims). */
    static long[] broadcastStrides(Shape in, Shape out) {
        int r = out.rank(), off = r - in.rank();
        long[] s = new long[r];
        long step = 1;
        for (int d = in.rank() - 1; d >= 0; d--) {
            s[d + off] = in.dim(d) == 1 && out.dim(d + off) != 1 ? 0 : step;
            step *= in.dim(d);
        }
        return s;
    }

    /** Contiguous row-major strides of {@code shape}. */
    static long[] contiguous(Shape shape) { return broadcastStrides(shape, shape); }

    long shape(int d) { return packed[d]; }

    long stride(int operand, int d) { return packed[MAX_RANK * (operand + 1) + d]; }
}

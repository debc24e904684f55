package dev.nabla.runtime.ops;

/** Plain-loop references for the shape, index and matmul contracts: row-major index arithmetic in float64. */
final class Ref {
    private Ref() {}

    static int numel(int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /** Row-major flat position of {@code idx} in {@code dims}. */
    static int flat(int[] dims, int[] idx) {
        int f = 0;
        for (int i = 0; i < dims.length; i++) f = f * dims[i] + idx[i];
        return f;
    }

    /** The multi-index of flat position {@code f} in {@code dims}. */
    static int[] unflat(int[] dims, int f) {
        int[] idx = new int[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = f % dims[i];
            f /= dims[i];
        }
        return idx;
    }

    /** x permuted: out dim i = x dim perm[i]. */
    static double[] permute(double[] x, int[] dims, int[] perm) {
        int[] od = new int[dims.length];
        for (int i = 0; i < dims.length; i++) od[i] = dims[perm[i]];
        double[] out = new double[x.length];
        for (int f = 0; f < out.length; f++) {
            int[] oi = unflat(od, f);
            int[] xi = new int[dims.length];
            for (int i = 0; i < dims.length; i++) xi[perm[i]] = oi[i];
            out[f] = x[flat(dims, xi)];
        }
        return out;
    }

    /** Batched row-major matmul with broadcast batch dims, op = transpose of the last two dims when flagged. */
    static double[] matmul(double[] a, int[] ad, boolean ta, double[] b, int[] bd, boolean tb, int[] batch) {
        int ar = ad.length, br = bd.length;
        int m = ta ? ad[ar - 1] : ad[ar - 2], k = ta ? ad[ar - 2] : ad[ar - 1];
        int n = tb ? bd[br - 2] : bd[br - 1];
        int nb = numel(batch);
        double[] out = new double[nb * m * n];
        for (int t = 0; t < nb; t++) {
            int[] bi = unflat(batch, t);
            int aOff = batchOffset(bi, ad) * m * k, bOff = batchOffset(bi, bd) * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = ta ? a[aOff + p * m + i] : a[aOff + i * k + p];
                        double bv = tb ? b[bOff + j * k + p] : b[bOff + p * n + j];
                        s += av * bv;
                    }
                    out[(t * m + i) * n + j] = s;
                }
            }
        }
        return out;
    }

    /** Index of the matrix of an operand with dims {@code d} (last two are the matrix) for output batch index bi. */
    private static int batchOffset(int[] bi, int[] d) {
        int r = d.length - 2, off = 0;
        for (int i = 0; i < r; i++) {
            int dim = d[i];
            int idx = bi[bi.length - r + i];
            off = off * dim + (dim == 1 ? 0 : idx);
        }
        return off;
    }
}

package dev.nabla.runtime;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes. Row-major: the last dimension is contiguous.
 *
 * <pre>{@code
 * Shape s = Shape.of(2, 3, 4);
 * s.numel();      // 24
 * s.dim(-1);      // 4
 * s.strides();    // [12, 4, 1]
 * }</pre>
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new int[0]);
    private final int[] dims;
    private final long numel;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int d : dims) n = Math.multiplyExact(n, d);
        this.numel = n;
    }

    /** A shape with the given dims; every dim must be >= 0 (0 allowed: empty tensors). */
    public static Shape of(int... dims) {
        if (dims == null) throw new ShapeMismatchException("Shape.of: dims must not be null");
        if (dims.length == 0) return SCALAR;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new ShapeMismatchException("Shape.of: dim " + i + " is " + dims[i]
                        + " in " + Arrays.toString(dims) + "; dims must be >= 0");
            }
        }
        return new Shape(dims.clone());
    }

    public static Shape scalar() { return SCALAR; }

    public int rank() { return dims.length; }

    /** Size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) { return dims[axis(axis, "Shape.dim")]; }

    public int[] dims() { return dims.clone(); }

    public long numel() { return numel; }

    /** Row-major strides in elements. */
    public long[] strides() {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** Normalises a possibly negative axis, or throws naming {@code op} and this shape. */
    public int axis(int axis, String op) {
        int r = dims.length;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw new ShapeMismatchException(op + ": axis " + axis + " is out of range for shape " + this
                    + " (rank " + r + ", expected -" + r + " <= axis < " + r + ")");
        }
        return a;
    }

    /** Product of dims in [from, to). */
    public long numel(int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) n *= dims[i];
        return n;
    }

    /** NumPy broadcasting of two shapes, or a {@link ShapeMismatchException} naming {@code op}. */
    public static Shape broadcast(Shape a, Shape b, String op) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.rank()) >= 0 ? a.dims[i - (r - a.rank())] : 1;
            int db = i - (r - b.rank()) >= 0 ? b.dims[i - (r - b.rank())] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException(op + ": shapes " + a + " and " + b
                        + " cannot be broadcast (dim " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    /**
     * Strides for reading this shape as if broadcast to {@code target}: 0 on broadcast dims.
     * The result has target's rank.
     */
    public long[] broadcastStrides(Shape target) {
        long[] own = strides();
        long[] out = new long[target.rank()];
        int off = target.rank() - rank();
        for (int i = 0; i < target.rank(); i++) {
            int j = i - off;
            out[i] = j < 0 || dims[j] == 1 ? 0 : own[j];
        }
        return out;
    }

    /** This shape with dim {@code axis} replaced by {@code size}. */
    public Shape with(int axis, int size) {
        int[] d = dims.clone();
        d[axis(axis, "Shape.with")] = size;
        return Shape.of(d);
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() { return Arrays.toString(dims); }
}

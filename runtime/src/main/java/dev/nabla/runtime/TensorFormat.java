package dev.nabla.runtime;

/** The readable form of a tensor: shape, dtype, device, grad info and a preview of the values. */
final class TensorFormat {
    private static final int EDGE = 3;

    private TensorFormat() {}

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(t.shape()).append(", dtype=").append(t.dtype())
                .append(", device=").append(t.device());
        if (t.requiresGrad()) sb.append(", requiresGrad=true");
        if (t.gradFnName() != null) sb.append(", gradFn=").append(t.gradFnName());
        sb.append(")\n");
        int[] dims = t.dims();
        long[] strides = t.shape().strides();
        appendLevel(sb, t, dims, strides, 0, 0);
        return sb.toString();
    }

    private static void appendLevel(StringBuilder sb, Tensor t, int[] dims, long[] strides, int level, long base) {
        if (dims.length == 0) {
            sb.append(value(t, 0));
            return;
        }
        sb.append('[');
        int n = dims[level];
        for (int i = 0; i < n; i++) {
            if (n > 2 * EDGE && i == EDGE) {
                sb.append("..., ");
                i = n - EDGE;
            }
            long off = base + i * strides[level];
            if (level == dims.length - 1) sb.append(value(t, off));
            else appendLevel(sb, t, dims, strides, level + 1, off);
            if (i < n - 1) sb.append(level == dims.length - 1 ? ", " : ",\n" + " ".repeat(level + 1));
        }
        sb.append(']');
    }

    private static String value(Tensor t, long index) {
        double v = t.backend().getDouble(t.buffer(), index);
        return t.dtype().isFloating() ? String.format("%.4f", v) : Long.toString((long) v);
    }
}

package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.CrossEntropyResult;
import dev.nabla.runtime.ops.Checks;

/**
 * Fused cross-entropy behind {@link LossOps#crossEntropy}: one backend kernel for log-softmax + NLL forward and
 * one for the backward. Logits {@code [n, c, d...]} are first copied to {@code [n, d..., c]} so the kernel sees
 * rows of classes. The labels are read once on the host: to reject out-of-range labels with a clear message and
 * to count the non-ignored rows for the mean; the mean and sum over rows are then taken on the host too (they are
 * n values), which keeps this path free of the reduction and elementwise kernels.
 */
final class CrossEntropy {
    private static final String OP = "cross_entropy";

    private CrossEntropy() {}

    /** Labels checked on the host: the number of rows that count. */
    record Labels(long[] values, int counted) {}

    static Tensor apply(Tensor logits, Tensor labels, Reduction reduction, long ignoreIndex, double labelSmoothing) {
        Checks.open(OP, logits, labels);
        Checks.floating(OP, logits);
        checkLabelDType(OP, logits, labels);
        Checks.sameDevice(OP, logits, labels);
        if (reduction == null) throw new InvalidArgumentException(OP + ": reduction must not be null");
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new InvalidArgumentException(OP + ": labelSmoothing must be in [0, 1], got " + labelSmoothing);
        }
        int c = checkShapes(OP, logits, labels);
        Labels lab = readLabels(OP, labels, c, ignoreIndex);
        int r = logits.rank(), rows = (int) labels.numel();
        Backend be = logits.backend();
        Buffer rowsMajor = r == 2 ? logits.buffer() : classLast(be, logits);
        CrossEntropyResult res = be.loss().crossEntropy(rowsMajor, labels.buffer(), rows, c, ignoreIndex, labelSmoothing);
        Tensor out;
        if (reduction == Reduction.NONE) {
            out = Tensor.wrap(be, res.loss(), labels.shape());
        } else {
            double total = hostSum(be.toArray(res.loss()));
            if (reduction == Reduction.MEAN) total /= lab.counted(); // all rows ignored: 0/0 = NaN, as PyTorch
            out = Tensor.scalar(total, logits.dtype(), logits.device());
            be.release(res.loss());
        }
        if (!Autograd.needsGrad(logits)) {
            be.release(res.logSumExp());
            if (rowsMajor != logits.buffer()) be.release(rowsMajor);
            return out;
        }
        Tensor lse = Tensor.wrap(be, res.logSumExp(), Shape.of(rows));
        Tensor saved = rowsMajor == logits.buffer() ? logits : Tensor.wrap(be, rowsMajor, rowMajorShape(logits.shape()));
        return Autograd.record(out, OP, new Tensor[]{logits}, g -> {
            if (Autograd.isGradEnabled()) {
                return new Tensor[]{compositeBackward(g, logits, labels, lab, reduction, ignoreIndex, labelSmoothing)};
            }
            Buffer dLoss;
            if (reduction == Reduction.NONE) {
                dLoss = g.buffer();
            } else {
                double scale = reduction == Reduction.MEAN ? 1.0 / lab.counted() : 1.0;
                dLoss = be.full(logits.dtype(), rows, g.item() * scale);
            }
            Buffer d = be.loss().crossEntropyBackward(saved.buffer(), labels.buffer(), lse.buffer(), dLoss, rows, c,
                    ignoreIndex, labelSmoothing);
            if (dLoss != g.buffer()) be.release(dLoss);
            if (r == 2) return new Tensor[]{Tensor.wrap(be, d, logits.shape())};
            Buffer back = classBack(be, d, logits.shape());
            be.release(d);
            return new Tensor[]{Tensor.wrap(be, back, logits.shape())};
        });
    }

    /**
     * Labels must be INT32/INT64 class indices. Floating labels (which could hold NaN or fractions) are rejected
     * with both shapes in the message, and a note when they do hold NaN; the values are read only on this error path.
     */
    static void checkLabelDType(String op, Tensor logits, Tensor labels) {
        if (!labels.dtype().isFloating()) {
            Checks.integer(op, labels);
            return;
        }
        boolean nan = false;
        for (double v : labels.toDoubleArray()) nan |= Double.isNaN(v);
        throw new DTypeMismatchException(op + ": labels must be INT32 or INT64 class indices, got " + labels.dtype()
                + " labels of shape " + labels.shape() + (nan ? " holding NaN" : "") + " for logits of shape "
                + logits.shape() + "; convert them with to(DType.INT64)");
    }

    /** Logits [n, c, d...] need labels [n, d...]; returns c. */
    static int checkShapes(String op, Tensor logits, Tensor labels) {
        if (logits.rank() < 2) {
            throw new ShapeMismatchException(op + ": expected logits [n, c] or [n, c, d...], got shape " + logits.shape());
        }
        int[] ld = logits.dims();
        int[] want = new int[ld.length - 1];
        want[0] = ld[0];
        System.arraycopy(ld, 2, want, 1, ld.length - 2);
        if (!labels.shape().equals(Shape.of(want))) {
            throw new ShapeMismatchException(op + ": labels of shape " + labels.shape() + " do not match logits "
                    + logits.shape() + "; expected labels " + Shape.of(want));
        }
        int c = ld[1];
        if (c <= 0) throw new ShapeMismatchException(op + ": logits " + logits.shape() + " have no classes (c = 0)");
        return c;
    }

    /** Reads labels to the host, rejecting any outside [0, c) that is not the ignore index. */
    static Labels readLabels(String op, Tensor labels, int c, long ignoreIndex) {
        long[] v = labels.toLongArray();
        int counted = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] == ignoreIndex) continue;
            if (v[i] < 0 || v[i] >= c) {
                throw new InvalidArgumentException(op + ": label " + v[i] + " at index " + i + " is out of range for c = "
                        + c + " classes (expected 0 <= label < " + c + ", or ignoreIndex " + ignoreIndex + ")");
            }
            counted++;
        }
        return new Labels(v, counted);
    }

    private static double hostSum(Object values) {
        double total = 0;
        if (values instanceof float[] f) for (float v : f) total += v;
        else for (double v : (double[]) values) total += v;
        return total;
    }

    /** [n, c, d...] -> [n, d..., c]. */
    private static Shape rowMajorShape(Shape s) {
        int[] d = s.dims(), o = new int[d.length];
        o[0] = d[0];
        System.arraycopy(d, 2, o, 1, d.length - 2);
        o[d.length - 1] = d[1];
        return Shape.of(o);
    }

    /** Copies logits [n, c, d...] to [n, d..., c]: the output walks the input's strides in that order. */
    private static Buffer classLast(Backend be, Tensor logits) {
        Shape s = logits.shape();
        long[] st = s.strides(), o = new long[st.length];
        o[0] = st[0];
        System.arraycopy(st, 2, o, 1, st.length - 2);
        o[st.length - 1] = st[1];
        return be.copies().stridedCopy(logits.buffer(), 0, o, rowMajorShape(s));
    }

    /** Copies a gradient [n, d..., c] back to [n, c, d...]. */
    private static Buffer classBack(Backend be, Buffer d, Shape logitsShape) {
        long[] st = rowMajorShape(logitsShape).strides(), o = new long[st.length];
        int r = st.length;
        o[0] = st[0];
        o[1] = st[r - 1];
        System.arraycopy(st, 1, o, 2, r - 2);
        return be.copies().stridedCopy(d, 0, o, logitsShape);
    }

    /**
     * dlogits = (softmax(logits) - target) * rowWeight with target = (1 - s) onehot + s / c, rows of ignored labels
     * weighted 0, written with differentiable ops for double backward.
     */
    private static Tensor compositeBackward(Tensor g, Tensor logits, Tensor labels, Labels lab, Reduction reduction,
                                            long ignoreIndex, double s) {
        int c = logits.dim(1), r = logits.rank();
        long[] safe = lab.values().clone();
        double[] keep = new double[safe.length];
        for (int i = 0; i < safe.length; i++) {
            boolean ignored = safe[i] == ignoreIndex;
            keep[i] = ignored ? 0 : reduction == Reduction.MEAN ? 1.0 / lab.counted() : 1;
            if (ignored) safe[i] = 0;
        }
        int[] rowDims = logits.dims();
        rowDims[1] = 1; // [n, 1, d...]
        Tensor idx = Tensor.of(safe, Shape.of(safe.length), labels.dtype(), labels.device());
        Tensor oneHot = Tensor.oneHot(idx, c, logits.dtype());                   // [rows, c]
        if (r > 2) {
            int[] perm = new int[r];
            perm[0] = 0;
            perm[1] = r - 1;
            for (int i = 2; i < r; i++) perm[i] = i - 1;
            oneHot = oneHot.reshape(rowMajorShape(logits.shape()).dims()).permute(perm);
        }
        Tensor target = oneHot.mul(1 - s).add(s / c);
        Tensor weight = Tensor.of(keep, Shape.of(rowDims), logits.dtype(), logits.device());
        Tensor gRows = reduction == Reduction.NONE ? g.reshape(rowDims) : g;
        return logits.softmax(1).sub(target).mul(weight.mul(gRows));
    }
}

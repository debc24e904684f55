package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.CompareOp;
import dev.nabla.runtime.backend.ElementwiseKernels;
import dev.nabla.runtime.backend.UnaryOp;

/**
 * CPU elementwise kernels. Unary math lives in {@link CpuUnary} (float32: {@link CpuUnaryF}, and
 * {@link CpuUnaryVector} for the exp-bound activations when the Vector API is in use); binary ops, comparisons and where walk the
 * output with {@link CpuBroadcast}, which hands each dtype-specialised loop whole runs of the innermost dim.
 */
final class CpuElementwise implements ElementwiseKernels {
    /** float32 ops without a float path ({@link CpuUnaryF}) are widened to double in blocks of this many elements. */
    private static final int BLOCK = 1024;

    // ---------------------------------------------------------------- unary

    @Override public Buffer unary(UnaryOp op, Buffer xb, double a, double b) {
        CpuBuffer x = CpuBuffer.of(xb, op.name().toLowerCase());
        if (!x.dtype.isFloating() && !CpuUnary.integerOp(op)) {
            throw new DTypeMismatchException(op.name().toLowerCase() + ": expected FLOAT32 or FLOAT64, got " + x.dtype);
        }
        CpuBuffer y = CpuBackend.allocUninitialized(x.dtype, x.size);
        CpuThreads.parallelFor(x.size, CpuBroadcast.GRAIN, (from, to) -> {
            switch (x.dtype) {
                case FLOAT64 -> CpuUnary.forward(op, x.d, y.d, from, to, a, b);
                case FLOAT32 -> {
                    if (CpuUnaryF.handles(op)) {
                        if (CpuGemm.VECTOR && CpuUnaryVector.handles(op)) CpuUnaryVector.forward(op, x.f, y.f, from, to, a, b);
                        else CpuUnaryF.forward(op, x.f, y.f, from, to, a, b);
                        return;
                    }
                    double[] in = new double[BLOCK], out = new double[BLOCK];
                    for (int s = from; s < to; s += BLOCK) {
                        int len = Math.min(BLOCK, to - s);
                        for (int i = 0; i < len; i++) in[i] = x.f[s + i];
                        CpuUnary.forward(op, in, out, 0, len, a, b);
                        for (int i = 0; i < len; i++) y.f[s + i] = (float) out[i];
                    }
                }
                case INT64 -> CpuUnary.forwardLong(op, x.l, y.l, from, to, a, b);
                case INT32 -> {
                    long[] in = new long[BLOCK], out = new long[BLOCK];
                    for (int s = from; s < to; s += BLOCK) {
                        int len = Math.min(BLOCK, to - s);
                        for (int i = 0; i < len; i++) in[i] = x.i[s + i];
                        CpuUnary.forwardLong(op, in, out, 0, len, a, b);
                        for (int i = 0; i < len; i++) y.i[s + i] = (int) out[i];
                    }
                }
            }
        });
        return y;
    }

    @Override public Buffer unaryBackward(UnaryOp op, Buffer xb, Buffer dyb, double a, double b) {
        String name = op.name().toLowerCase() + "_backward";
        CpuBuffer x = CpuBuffer.of(xb, name), dy = CpuBuffer.of(dyb, name);
        if (!x.dtype.isFloating() || dy.dtype != x.dtype || dy.size != x.size) {
            throw new DTypeMismatchException(name + ": expected x and dy of the same floating dtype and size, got "
                    + x.size + " x " + x.dtype + " and " + dy.size + " x " + dy.dtype);
        }
        CpuBuffer dx = CpuBackend.allocUninitialized(x.dtype, x.size);
        CpuThreads.parallelFor(x.size, CpuBroadcast.GRAIN, (from, to) -> {
            if (x.dtype == DType.FLOAT64) {
                CpuUnary.backward(op, x.d, dy.d, dx.d, from, to, a, b);
                return;
            }
            if (CpuUnaryF.handles(op)) {
                if (CpuGemm.VECTOR && CpuUnaryVector.handlesBackward(op)) CpuUnaryVector.backward(op, x.f, dy.f, dx.f, from, to, a, b);
                else CpuUnaryF.backward(op, x.f, dy.f, dx.f, from, to, a, b);
                return;
            }
            double[] xin = new double[BLOCK], gin = new double[BLOCK], out = new double[BLOCK];
            for (int s = from; s < to; s += BLOCK) {
                int len = Math.min(BLOCK, to - s);
                for (int i = 0; i < len; i++) {
                    xin[i] = x.f[s + i];
                    gin[i] = dy.f[s + i];
                }
                CpuUnary.backward(op, xin, gin, out, 0, len, a, b);
                for (int i = 0; i < len; i++) dx.f[s + i] = (float) out[i];
            }
        });
        return dx;
    }

    // ---------------------------------------------------------------- binary

    @Override public Buffer binary(BinaryOp op, Buffer ab, Shape aShape, Buffer bb, Shape bShape, Shape out) {
        String name = op.name().toLowerCase();
        CpuBuffer a = CpuBuffer.of(ab, name), b = CpuBuffer.of(bb, name);
        sameDType(name, a, b);
        if (op == BinaryOp.DIV && !a.dtype.isFloating()) checkNoZero(b);
        CpuBuffer o = CpuBackend.allocUninitialized(a.dtype, out.numel());
        apply(op, a, aShape, b, bShape, o, out);
        return o;
    }

    @Override public void binaryInPlace(BinaryOp op, Buffer dstb, Shape dstShape, Buffer srcb, Shape srcShape) {
        String name = op.name().toLowerCase() + "_";
        CpuBuffer dst = CpuBuffer.of(dstb, name), src = CpuBuffer.of(srcb, name);
        sameDType(name, dst, src);
        if (op == BinaryOp.DIV && !dst.dtype.isFloating()) checkNoZero(src);
        // Each element is read before it is written at the same position, so dst may be an operand.
        apply(op, dst, dstShape, src, srcShape, dst, dstShape);
    }

    private static void apply(BinaryOp op, CpuBuffer a, Shape aShape, CpuBuffer b, Shape bShape, CpuBuffer o, Shape out) {
        CpuBroadcast.plan(out, aShape, bShape).forEach((oo, rows, len, offs, st, rs) -> {
            switch (o.dtype) {
                case FLOAT32 -> CpuBinaryRows.f32(op, a.f, offs[0], st[0], rs[0], b.f, offs[1], st[1], rs[1], o.f, oo, len, rows);
                case FLOAT64 -> CpuBinaryRows.f64(op, a.d, offs[0], st[0], rs[0], b.d, offs[1], st[1], rs[1], o.d, oo, len, rows);
                case INT32 -> {
                    for (int r = 0; r < rows; r++) {
                        CpuBinaryRows.i32(op, a.i, offs[0] + r * rs[0], st[0], b.i, offs[1] + r * rs[1], st[1], o.i, oo + r * len, len);
                    }
                }
                case INT64 -> {
                    for (int r = 0; r < rows; r++) {
                        CpuBinaryRows.i64(op, a.l, offs[0] + r * rs[0], st[0], b.l, offs[1] + r * rs[1], st[1], o.l, oo + r * len, len);
                    }
                }
            }
        });
    }

    private static void checkNoZero(CpuBuffer b) {
        for (int k = 0; k < b.size; k++) {
            if (b.getLong(k) == 0) {
                throw new InvalidArgumentException("div: integer division by zero (divisor element " + k + " is 0)");
            }
        }
    }

    // ---------------------------------------------------------------- compare and where

    @Override public Buffer compare(CompareOp op, Buffer ab, Shape aShape, Buffer bb, Shape bShape, Shape out) {
        String name = op.name().toLowerCase();
        CpuBuffer a = CpuBuffer.of(ab, name), b = CpuBuffer.of(bb, name);
        sameDType(name, a, b);
        CpuBuffer o = CpuBackend.allocUninitialized(a.dtype, out.numel());
        CpuBroadcast.plan(out, aShape, bShape).forEach((o0, rows, len, offs, st, rs) -> {
            for (int r = 0; r < rows; r++) {
                int oo = o0 + r * len, ao = offs[0] + r * rs[0], as = st[0], bo = offs[1] + r * rs[1], bs = st[1];
                switch (a.dtype) {
                    case FLOAT32 -> { for (int k = 0; k < len; k++) o.f[oo + k] = test(op, a.f[ao + k * as], b.f[bo + k * bs]) ? 1f : 0f; }
                    case FLOAT64 -> { for (int k = 0; k < len; k++) o.d[oo + k] = test(op, a.d[ao + k * as], b.d[bo + k * bs]) ? 1.0 : 0.0; }
                    case INT32 -> { for (int k = 0; k < len; k++) o.i[oo + k] = test(op, a.i[ao + k * as], b.i[bo + k * bs]) ? 1 : 0; }
                    case INT64 -> { for (int k = 0; k < len; k++) o.l[oo + k] = test(op, a.l[ao + k * as], b.l[bo + k * bs]) ? 1L : 0L; }
                }
            }
        });
        return o;
    }

    /** IEEE semantics: every comparison with NaN is false except NE. */
    private static boolean test(CompareOp op, double x, double y) {
        return switch (op) {
            case EQ -> x == y;
            case NE -> x != y;
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            case GE -> x >= y;
        };
    }

    private static boolean test(CompareOp op, long x, long y) {
        return switch (op) {
            case EQ -> x == y;
            case NE -> x != y;
            case LT -> x < y;
            case LE -> x <= y;
            case GT -> x > y;
            case GE -> x >= y;
        };
    }

    @Override public Buffer where(Buffer cb, Shape condShape, Buffer ab, Shape aShape, Buffer bb, Shape bShape, Shape out) {
        CpuBuffer c = CpuBuffer.of(cb, "where"), a = CpuBuffer.of(ab, "where"), b = CpuBuffer.of(bb, "where");
        sameDType("where", a, b);
        // The condition may have any dtype; read it once as booleans so the loops below are dtype-free on it.
        boolean[] cond = new boolean[c.size];
        for (int k = 0; k < c.size; k++) {
            cond[k] = switch (c.dtype) {
                case FLOAT32 -> c.f[k] != 0f;
                case FLOAT64 -> c.d[k] != 0.0;
                case INT32 -> c.i[k] != 0;
                case INT64 -> c.l[k] != 0L;
            };
        }
        CpuBuffer o = CpuBackend.allocUninitialized(a.dtype, out.numel());
        CpuBroadcast.plan(out, condShape, aShape, bShape).forEach((o0, rows, len, offs, st, rs) -> {
            for (int r = 0; r < rows; r++) {
                int oo = o0 + r * len, co = offs[0] + r * rs[0], cs = st[0], ao = offs[1] + r * rs[1], as = st[1];
                int bo = offs[2] + r * rs[2], bs = st[2];
                switch (a.dtype) {
                    case FLOAT32 -> { for (int k = 0; k < len; k++) o.f[oo + k] = cond[co + k * cs] ? a.f[ao + k * as] : b.f[bo + k * bs]; }
                    case FLOAT64 -> { for (int k = 0; k < len; k++) o.d[oo + k] = cond[co + k * cs] ? a.d[ao + k * as] : b.d[bo + k * bs]; }
                    case INT32 -> { for (int k = 0; k < len; k++) o.i[oo + k] = cond[co + k * cs] ? a.i[ao + k * as] : b.i[bo + k * bs]; }
                    case INT64 -> { for (int k = 0; k < len; k++) o.l[oo + k] = cond[co + k * cs] ? a.l[ao + k * as] : b.l[bo + k * bs]; }
                }
            }
        });
        return o;
    }

    private static void sameDType(String op, CpuBuffer a, CpuBuffer b) {
        if (a.dtype != b.dtype) {
            throw new DTypeMismatchException(op + ": dtypes differ: " + a.dtype + " and " + b.dtype);
        }
    }
}

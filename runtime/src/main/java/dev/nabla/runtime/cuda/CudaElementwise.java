package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.CompareOp;
import dev.nabla.runtime.backend.ElementwiseKernels;
import dev.nabla.runtime.backend.UnaryOp;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Elementwise kernels of elementwise.cu: {@code <op>_<dt>(x, y, n, a, b)} and {@code <op>_backward_<dt>}
 * for unary ops; {@code <op>_<dt>(a, b, out, n, rank, NdLayout)} for broadcasting binary ops and
 * comparisons; {@code where_<dt>}. Unary ops are float-only; add/sub/mul/maximum/minimum and the
 * comparisons also run on INT32/INT64.
 */
final class CudaElementwise extends CudaFamily implements ElementwiseKernels {
    /** Unary ops whose kernel may be absent from older PTX; they are composed from other kernels then. */
    private static final Set<UnaryOp> OPTIONAL = EnumSet.of(UnaryOp.SIGN, UnaryOp.RECIPROCAL);
    private static final Set<BinaryOp> FLOAT_ONLY = EnumSet.of(BinaryOp.DIV, BinaryOp.POW);

    static final KernelNames KERNELS = declare();

    private static KernelNames declare() {
        KernelNames names = KernelNames.create();
        for (UnaryOp op : UnaryOp.values()) {
            if (OPTIONAL.contains(op)) continue;
            names.add("elementwise", KernelNames.FLOATS, op.name().toLowerCase(), op.name().toLowerCase() + "_backward");
        }
        for (BinaryOp op : BinaryOp.values()) {
            names.add("elementwise", FLOAT_ONLY.contains(op) ? KernelNames.FLOATS : KernelNames.ALL, op.name().toLowerCase());
        }
        for (CompareOp op : CompareOp.values()) names.add("elementwise", KernelNames.ALL, op.name().toLowerCase());
        names.add("elementwise", KernelNames.ALL, "where");
        names.add("elementwise", KernelNames.FLOATS, "affine");
        for (DType from : DType.values()) for (DType to : DType.values()) {
            if (from != to) names.add("elementwise", CudaBackend.castKernel(from, to));
        }
        return names;
    }

    CudaElementwise(CudaBackend backend) { super(backend); }

    @Override public Buffer unary(UnaryOp op, Buffer x, double a, double b) {
        CudaBuffer in = buf(x, "unary " + op);
        String name = op.name().toLowerCase();
        requireFloating(name, in.dtype());
        long n = in.size();
        if (op == UnaryOp.CLAMP) { a = Double.isNaN(a) ? Double.NEGATIVE_INFINITY : a; b = Double.isNaN(b) ? Double.POSITIVE_INFINITY : b; }
        if (op == UnaryOp.SIGN && !hasKernel(op, in.dtype())) return signComposite(in);
        if (op == UnaryOp.RECIPROCAL && !hasKernel(op, in.dtype())) return unary(UnaryOp.POW_SCALAR, in, -1, 0);
        CudaBuffer y = alloc(in.dtype(), n);
        if (n > 0) launch("elementwise", k(name, in.dtype()), CudaLauncher.Grid.linear(n), in, y, n, t(in.dtype(), a), t(in.dtype(), b));
        return y;
    }

    @Override public Buffer unaryBackward(UnaryOp op, Buffer x, Buffer dy, double a, double b) {
        CudaBuffer in = buf(x, "unaryBackward " + op), g = buf(dy, "unaryBackward " + op);
        String name = op.name().toLowerCase();
        requireFloating(name + " backward", in.dtype());
        requireSame(name + " backward", in, g);
        if (in.size() != g.size()) {
            throw new InvalidArgumentException(name + " backward: x has " + in.size() + " elements but dy has " + g.size());
        }
        long n = in.size();
        if (op == UnaryOp.CLAMP) { a = Double.isNaN(a) ? Double.NEGATIVE_INFINITY : a; b = Double.isNaN(b) ? Double.POSITIVE_INFINITY : b; }
        if (op == UnaryOp.SIGN && !hasKernel(op, in.dtype())) return zeros(in.dtype(), n);
        if (op == UnaryOp.RECIPROCAL && !hasKernel(op, in.dtype())) return unaryBackward(UnaryOp.POW_SCALAR, in, g, -1, 0);
        CudaBuffer gx = alloc(in.dtype(), n);
        if (n > 0) {
            launch("elementwise", k(name + "_backward", in.dtype()), CudaLauncher.Grid.linear(n), in, g, gx, n,
                    t(in.dtype(), a), t(in.dtype(), b));
        }
        return gx;
    }

    @Override public Buffer binary(BinaryOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Shape out) {
        String name = op.name().toLowerCase();
        CudaBuffer x = buf(a, name), y = buf(b, name);
        requireSame(name, x, y);
        if (FLOAT_ONLY.contains(op)) requireFloating(name, x.dtype());
        return broadcast2(name, k(name, x.dtype()), x, aShape, y, bShape, out);
    }

    @Override public void binaryInPlace(BinaryOp op, Buffer dst, Shape dstShape, Buffer src, Shape srcShape) {
        // the binary kernels take __restrict__ operands, so the result goes to a scratch buffer first
        CudaBuffer r = (CudaBuffer) binary(op, dst, dstShape, src, srcShape, dstShape);
        try {
            backend.copyInto(r, dst);
        } finally {
            free(r);
        }
    }

    @Override public Buffer compare(CompareOp op, Buffer a, Shape aShape, Buffer b, Shape bShape, Shape out) {
        String name = op.name().toLowerCase();
        CudaBuffer x = buf(a, name), y = buf(b, name);
        requireSame(name, x, y);
        return broadcast2(name, k(name, x.dtype()), x, aShape, y, bShape, out);
    }

    @Override public Buffer where(Buffer cond, Shape condShape, Buffer a, Shape aShape, Buffer b, Shape bShape, Shape out) {
        CudaBuffer c = buf(cond, "where"), x = buf(a, "where"), y = buf(b, "where");
        requireSame("where", x, y);
        checkSize("where", c, condShape);
        checkSize("where", x, aShape);
        checkSize("where", y, bShape);
        CudaBuffer mask = c.dtype() == x.dtype() ? c : nonzero(c, x.dtype());
        try {
            long n = out.numel();
            CudaBuffer o = alloc(x.dtype(), n);
            if (n == 0) return o;
            NdLayout l = NdLayout.of("where", out, NdLayout.broadcastStrides(condShape, out),
                    NdLayout.broadcastStrides(aShape, out), NdLayout.broadcastStrides(bShape, out));
            launch("elementwise", k("where", x.dtype()), CudaLauncher.Grid.linear(n), mask, x, y, o, n, l.rank, l);
            return o;
        } finally {
            if (mask != c) free(mask);
        }
    }

    /** 1 where {@code x != 0}, else 0, in {@code dtype} (a plain cast would turn 0.5 into integer 0). */
    CudaBuffer nonzero(CudaBuffer x, DType dtype) {
        Shape s = Shape.of(Math.toIntExact(x.size()));
        CudaBuffer zero = (CudaBuffer) backend.full(x.dtype(), 1, 0);
        CudaBuffer ne = broadcast2("nonzero", k("ne", x.dtype()), x, s, zero, Shape.scalar(), s);
        free(zero);
        if (ne.dtype() == dtype) return ne;
        CudaBuffer r = (CudaBuffer) backend.cast(ne, dtype);
        free(ne);
        return r;
    }

    /** y = a * x + b in one pass (scalar scale and shift without a broadcast operand). */
    CudaBuffer affine(CudaBuffer x, double a, double b) {
        requireFloating("affine", x.dtype());
        CudaBuffer y = alloc(x.dtype(), x.size());
        affineInto(x, y, a, b);
        return y;
    }

    /** In place allowed: the affine kernel does not declare its pointers restrict. */
    void affineInto(CudaBuffer x, CudaBuffer y, double a, double b) {
        long n = x.size();
        if (n > 0) launch("elementwise", k("affine", x.dtype()), CudaLauncher.Grid.linear(n), x, y, n, t(x.dtype(), a), t(x.dtype(), b));
    }

    /** Same-shape binary op (no broadcasting), for other families' glue. */
    CudaBuffer same(BinaryOp op, CudaBuffer a, CudaBuffer b) {
        Shape s = Shape.of(Math.toIntExact(a.size()));
        return (CudaBuffer) binary(op, a, s, b, s, s);
    }

    private CudaBuffer broadcast2(String op, String kernel, CudaBuffer a, Shape aShape, CudaBuffer b, Shape bShape, Shape out) {
        checkSize(op, a, aShape);
        checkSize(op, b, bShape);
        if (aShape.rank() > out.rank() || bShape.rank() > out.rank()) {
            throw new InvalidArgumentException(op + ": operand shapes " + aShape + " and " + bShape + " do not broadcast to " + out);
        }
        long n = out.numel();
        CudaBuffer o = alloc(a.dtype(), n);
        if (n == 0) return o;
        NdLayout l = NdLayout.of(op, out, NdLayout.broadcastStrides(aShape, out), NdLayout.broadcastStrides(bShape, out));
        launch("elementwise", kernel, CudaLauncher.Grid.linear(n), a, b, o, n, l.rank, l);
        return o;
    }

    /** sign(x) = (x > 0) - (x < 0), NaN kept: for PTX without a sign kernel. */
    private CudaBuffer signComposite(CudaBuffer x) {
        Shape s = Shape.of(Math.toIntExact(x.size()));
        CudaBuffer zero = (CudaBuffer) backend.full(x.dtype(), 1, 0);
        CudaBuffer gt = broadcast2("sign", k("gt", x.dtype()), x, s, zero, Shape.scalar(), s);
        CudaBuffer lt = broadcast2("sign", k("lt", x.dtype()), x, s, zero, Shape.scalar(), s);
        CudaBuffer diff = broadcast2("sign", k("sub", x.dtype()), gt, s, lt, s, s);
        CudaBuffer nan = broadcast2("sign", k("ne", x.dtype()), x, s, x, s, s);
        try {
            return (CudaBuffer) where(nan, s, x, s, diff, s, s);
        } finally {
            for (CudaBuffer t : Arrays.asList(zero, gt, lt, diff, nan)) free(t);
        }
    }

    private static boolean hasKernel(UnaryOp op, DType dtype) { return CudaModules.has("elementwise", k(op.name().toLowerCase(), dtype)); }

    private static void checkSize(String op, CudaBuffer b, Shape shape) {
        if (b.size() != shape.numel()) {
            throw new InvalidArgumentException(op + ": buffer of " + b.size() + " elements does not match shape " + shape);
        }
    }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.AutogradException;
import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.BinaryOp;
import dev.nabla.runtime.backend.CompareOp;
import dev.nabla.runtime.backend.UnaryOp;

/**
 * Elementwise ops and their backward rules. A backward rule uses the backend's fused derivative kernel
 * when no graph is being built, and differentiable tensor ops when it is ({@code createGraph}, e.g. for
 * Hessian-vector products).
 */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    public static void checkSameDeviceAndDType(String op, Tensor a, Tensor b) {
        Checks.sameDevice(op, a, b);
        Checks.sameDType(op, a, b);
    }

    public static Tensor copy(Tensor x) {
        Checks.open("copy", x);
        Tensor out = Tensor.wrap(x.backend(), x.backend().copy(x.buffer()), x.shape());
        return Autograd.record(out, "copy", new Tensor[]{x}, g -> new Tensor[]{g});
    }

    public static Tensor cast(Tensor x, DType dtype) {
        Checks.open("to", x);
        if (x.dtype() == dtype) return x;
        Tensor out = Tensor.wrap(x.backend(), x.backend().cast(x.buffer(), dtype), x.shape());
        if (!dtype.isFloating() || !x.dtype().isFloating()) return out;
        DType from = x.dtype();
        return Autograd.record(out, "to_" + dtype.suffix(), new Tensor[]{x}, g -> new Tensor[]{g.to(from)});
    }

    public static Tensor unary(UnaryOp op, Tensor x, double a, double b) {
        String name = op.name().toLowerCase();
        Checks.open(name, x);
        if (op != UnaryOp.NEG && op != UnaryOp.ABS && op != UnaryOp.SIGN && op != UnaryOp.CLAMP
                && op != UnaryOp.RELU && op != UnaryOp.SQUARE) {
            Checks.floating(name, x);
        }
        if (op == UnaryOp.CLAMP && !Double.isNaN(a) && !Double.isNaN(b) && a > b) {
            throw new InvalidArgumentException("clamp: min " + a + " is greater than max " + b);
        }
        Backend be = x.backend();
        Tensor out = Tensor.wrap(be, be.elementwise().unary(op, x.buffer(), a, b), x.shape());
        return Autograd.record(out, name, new Tensor[]{x}, g -> new Tensor[]{unaryGrad(op, x, out, g, a, b)});
    }

    private static Tensor unaryGrad(UnaryOp op, Tensor x, Tensor y, Tensor g, double a, double b) {
        if (!Autograd.isGradEnabled()) {
            Backend be = x.backend();
            return Tensor.wrap(be, be.elementwise().unaryBackward(op, x.buffer(), g.buffer(), a, b), x.shape());
        }
        return switch (op) {
            case NEG -> g.neg();
            case ABS, SIGN -> op == UnaryOp.SIGN ? g.mul(0.0) : g.mul(x.sign());
            case EXP -> g.mul(x.exp());
            case LOG -> g.div(x);
            case SQRT -> g.div(x.sqrt().mul(2.0));
            case RSQRT -> g.mul(x.pow(-1.5).mul(-0.5));
            case SQUARE -> g.mul(x.mul(2.0));
            case POW_SCALAR -> g.mul(x.pow(a - 1).mul(a));
            case SIN -> g.mul(x.cos());
            case COS -> g.mul(x.sin().neg());
            case TANH -> g.mul(x.tanh().square().neg().add(1.0));
            case SIGMOID -> {
                Tensor s = x.sigmoid();
                yield g.mul(s.mul(s.neg().add(1.0)));
            }
            case RELU -> g.mul(x.gt(0.0));
            case LEAKY_RELU -> g.mul(Tensor.where(x.gt(0.0), Tensor.onesLike(x), Tensor.fullLike(x, a)));
            case HARD_SIGMOID -> g.mul(x.gt(-3.0).mul(x.lt(3.0)).mul(1.0 / 6.0));
            case CLAMP -> {
                Tensor keep = Tensor.onesLike(x);
                if (!Double.isNaN(a)) keep = keep.mul(x.ge(a));
                if (!Double.isNaN(b)) keep = keep.mul(x.le(b));
                yield g.mul(keep);
            }
            case RECIPROCAL -> g.mul(x.square().reciprocal().neg());
            case GELU_TANH -> {
                double c = Math.sqrt(2.0 / Math.PI);
                Tensor t = x.add(x.pow(3).mul(0.044715)).mul(c).tanh();
                Tensor du = x.square().mul(3 * 0.044715).add(1.0).mul(c);
                Tensor d = t.add(1.0).mul(0.5).add(x.mul(0.5).mul(t.square().neg().add(1.0)).mul(du));
                yield g.mul(d);
            }
            case GELU_ERF -> throw new AutogradException("gelu: double backward (createGraph) is not available for the exact "
                    + "GELU; use geluTanh() for higher-order gradients");
        };
    }

    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        Checks.open(name, a, b);
        checkSameDeviceAndDType(name, a, b);
        if (op == BinaryOp.POW) Checks.floating(name, a);
        Shape out = Shape.broadcast(a.shape(), b.shape(), name);
        Backend be = a.backend();
        Tensor y = Tensor.wrap(be, be.elementwise().binary(op, a.buffer(), a.shape(), b.buffer(), b.shape(), out), out);
        return Autograd.record(y, name, new Tensor[]{a, b}, g -> binaryGrad(op, a, b, y, g));
    }

    private static Tensor[] binaryGrad(BinaryOp op, Tensor a, Tensor b, Tensor y, Tensor g) {
        Tensor ga, gb;
        switch (op) {
            case ADD -> { ga = g; gb = g; }
            case SUB -> { ga = g; gb = g.neg(); }
            case MUL -> { ga = g.mul(b); gb = g.mul(a); }
            case DIV -> { ga = g.div(b); gb = g.mul(a).div(b.square()).neg(); }
            case MAXIMUM, MINIMUM -> {
                // Ties split the gradient evenly, as PyTorch does.
                Tensor aWins = op == BinaryOp.MAXIMUM ? a.gt(b) : a.lt(b);
                Tensor tie = a.eq(b).mul(0.5);
                Tensor wa = aWins.add(tie);
                ga = g.mul(wa);
                gb = g.mul(wa.neg().add(1.0));
            }
            case POW -> {
                ga = g.mul(b).mul(a.pow(b.sub(1.0)));
                // d/db a^b = a^b ln a; define 0 where a <= 0 and the log is undefined (PyTorch gives NaN for a < 0).
                Tensor safeLog = Tensor.where(a.gt(0.0), a, Tensor.onesLike(a)).log();
                gb = g.mul(y).mul(safeLog);
            }
            default -> throw new IllegalStateException(op.name());
        }
        return new Tensor[]{
                a.requiresGrad() ? ReduceOps.sumToShape(ga, a.shape()) : null,
                b.requiresGrad() ? ReduceOps.sumToShape(gb, b.shape()) : null};
    }

    public static Tensor binaryScalar(BinaryOp op, Tensor a, double s) {
        Checks.open(op.name().toLowerCase(), a);
        if (Double.isNaN(s) && !a.dtype().isFloating()) {
            throw new InvalidArgumentException(op.name().toLowerCase() + ": NaN scalar with a " + a.dtype() + " tensor");
        }
        Tensor scalar = Tensor.scalar(s, a.dtype(), a.device());
        return binary(op, a, scalar);
    }

    public static Tensor compare(CompareOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        Checks.open(name, a, b);
        checkSameDeviceAndDType(name, a, b);
        Shape out = Shape.broadcast(a.shape(), b.shape(), name);
        Backend be = a.backend();
        return Tensor.wrap(be, be.elementwise().compare(op, a.buffer(), a.shape(), b.buffer(), b.shape(), out), out);
    }

    public static Tensor compareScalar(CompareOp op, Tensor a, double s) {
        Checks.open(op.name().toLowerCase(), a);
        return compare(op, a, Tensor.scalar(s, a.dtype(), a.device()));
    }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Checks.open("where", cond, a, b);
        Checks.sameDevice("where", cond, a);
        checkSameDeviceAndDType("where", a, b);
        Shape out = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape(), "where"), b.shape(), "where");
        Backend be = a.backend();
        Tensor y = Tensor.wrap(be, be.elementwise().where(cond.buffer(), cond.shape(), a.buffer(), a.shape(),
                b.buffer(), b.shape(), out), out);
        return Autograd.record(y, "where", new Tensor[]{cond, a, b}, g -> {
            Tensor zeros = Tensor.zerosLike(g);
            return new Tensor[]{null,
                    a.requiresGrad() ? ReduceOps.sumToShape(where(cond, g, zeros), a.shape()) : null,
                    b.requiresGrad() ? ReduceOps.sumToShape(where(cond, zeros, g), b.shape()) : null};
        });
    }

    public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        Checks.open("masked_fill", x, mask);
        Checks.sameDevice("masked_fill", x, mask);
        Shape out = Shape.broadcast(x.shape(), mask.shape(), "masked_fill");
        if (!out.equals(x.shape())) {
            throw new dev.nabla.runtime.ShapeMismatchException("masked_fill: mask " + mask.shape()
                    + " does not broadcast to the tensor's shape " + x.shape());
        }
        return where(mask, Tensor.scalar(value, x.dtype(), x.device()), x);
    }
}

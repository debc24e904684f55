package dev.nabla.runtime.nn;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.MatmulSpec;
import dev.nabla.runtime.backend.ReduceOp;
import dev.nabla.runtime.ops.Checks;

/**
 * The linear layer as one op: y = x w^T + b over the last axis, x {@code [..., in]}, w {@code [out, in]},
 * b {@code [out]} or null, y {@code [..., out]}. Equal to {@code x.matmul(w, false, true).add(b)}, but the
 * forward is one backend call ({@link dev.nabla.runtime.backend.MatmulKernels#linear}, on the CPU a single GEMM
 * that starts from the bias rows) and the backward three direct products on the flattened rows:
 * dx = dy w, dw = dy^T x, db = the column sums of dy, each only for an input that requires grad. With
 * {@code createGraph} the backward is built from differentiable tensor ops instead, so double backward works.
 *
 * <pre>{@code
 * Tensor y = F.linear(x, weight, bias);   // [32, 64, 128] x [512, 128]^T + [512] -> [32, 64, 512]
 * }</pre>
 */
public final class LinearOps {
    private static final String OP = "linear";

    private LinearOps() {}

    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        validate(x, weight, bias);
        int in = weight.dim(1), out = weight.dim(0);
        int rows = rows(x);
        int[] outDims = x.dims();
        outDims[outDims.length - 1] = out;
        Backend be = x.backend();
        Tensor y = Tensor.wrap(be, be.matmul().linear(be, x.buffer(), weight.buffer(), bias == null ? null : bias.buffer(),
                rows, in, out), Shape.of(outDims));
        Tensor[] inputs = bias == null ? new Tensor[]{x, weight} : new Tensor[]{x, weight, bias};
        return Autograd.record(y, OP, inputs, g -> {
            Tensor[] grads = Autograd.isGradEnabled() ? differentiableBackward(g, x, weight, bias, rows)
                    : directBackward(g, x, weight, bias, rows);
            return bias == null ? new Tensor[]{grads[0], grads[1]} : grads;
        });
    }

    private static void validate(Tensor x, Tensor weight, Tensor bias) {
        Checks.open(OP, x, weight);
        if (bias != null) Checks.open(OP, bias);
        Checks.floating(OP, x);
        Checks.sameDevice(OP, x, weight);
        Checks.sameDType(OP, x, weight);
        String shapes = "input " + x.shape() + ", weight " + weight.shape() + (bias == null ? "" : ", bias " + bias.shape());
        if (x.rank() < 1) {
            throw new ShapeMismatchException(OP + ": expected an input of at least 1 dim [..., in], got " + shapes);
        }
        if (weight.rank() != 2) {
            throw new ShapeMismatchException(OP + ": expected a 2-D weight [out, in], got " + shapes);
        }
        if (x.dim(-1) != weight.dim(1)) {
            throw new ShapeMismatchException(OP + ": the input's last dim " + x.dim(-1) + " must equal the weight's in = "
                    + weight.dim(1) + " (" + shapes + ")");
        }
        if (bias != null) {
            Checks.sameDevice(OP, x, bias);
            Checks.sameDType(OP, x, bias);
            if (bias.rank() != 1 || bias.dim(0) != weight.dim(0)) {
                throw new ShapeMismatchException(OP + ": bias must have shape [" + weight.dim(0) + "] (one per output), got "
                        + shapes);
            }
        }
    }

    /** The input's rows: the product of its leading dims. */
    private static int rows(Tensor x) {
        long rows = x.shape().numel(0, x.rank() - 1);
        if (rows > Integer.MAX_VALUE) {
            throw new ShapeMismatchException(OP + ": input " + x.shape() + " has more than 2^31 - 1 rows");
        }
        return (int) rows;
    }

    /** dx = dy w, dw = dy^T x, db = column sums of dy: backend calls, nothing recorded. */
    private static Tensor[] directBackward(Tensor g, Tensor x, Tensor weight, Tensor bias, int rows) {
        Backend be = g.backend();
        int in = weight.dim(1), out = weight.dim(0);
        Shape none = Shape.scalar();
        Tensor gx = null, gw = null, gb = null;
        if (x.requiresGrad()) {
            gx = Tensor.wrap(be, be.matmul().matmul(g.buffer(), weight.buffer(),
                    new MatmulSpec(none, none, none, rows, in, out, false, false)), x.shape());
        }
        if (weight.requiresGrad()) {
            gw = Tensor.wrap(be, be.matmul().matmul(g.buffer(), x.buffer(),
                    new MatmulSpec(none, none, none, out, in, rows, true, false)), weight.shape());
        }
        if (bias != null && bias.requiresGrad()) {
            // Over the rows of a [rows, out] buffer: the CPU kernel streams each row into per-column accumulators.
            gb = Tensor.wrap(be, be.reduce().reduce(ReduceOp.SUM, g.buffer(), Shape.of(rows, out), new int[]{0}),
                    bias.shape());
        }
        return new Tensor[]{gx, gw, gb};
    }

    /** The same three products as recorded tensor ops, for a backward that builds a graph. */
    private static Tensor[] differentiableBackward(Tensor g, Tensor x, Tensor weight, Tensor bias, int rows) {
        int in = weight.dim(1), out = weight.dim(0);
        Tensor g2 = g.reshape(rows, out);
        Tensor gx = x.requiresGrad() ? g2.matmul(weight).reshape(x.dims()) : null;
        Tensor gw = weight.requiresGrad() ? g2.matmul(x.reshape(rows, in), true, false) : null;
        Tensor gb = bias != null && bias.requiresGrad() ? g2.sum(0) : null;
        return new Tensor[]{gx, gw, gb};
    }
}

package dev.nabla.runtime.ops;

import dev.nabla.runtime.Autograd;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.ShapeMismatchException;
import dev.nabla.runtime.Tensor;
import dev.nabla.runtime.backend.Backend;
import dev.nabla.runtime.backend.MatmulSpec;

import java.util.Arrays;

/**
 * Matrix products with NumPy semantics: 1-D x 1-D is a dot product; a 1-D left operand is a row
 * ([1, k], the 1 dropped from the result), a 1-D right operand a column ([k, 1], likewise); 2-D is a plain
 * product; higher ranks are batches of matrices whose batch dims broadcast. {@code transA}/{@code transB}
 * transpose the last two dims of an operand of rank >= 2 (a vector has nothing to transpose; the flag is
 * ignored there). Backward: dA = G op(B)^T and dB = op(A)^T G (arranged for the transpose flags), summed
 * over the batch dims that were broadcast.
 */
public final class MatmulOps {
    private MatmulOps() {}

    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        Checks.open("matmul", a, b);
        Checks.sameDevice("matmul", a, b);
        Checks.sameDType("matmul", a, b);
        Checks.floating("matmul", a);
        if (a.rank() == 0 || b.rank() == 0) {
            throw new ShapeMismatchException("matmul: both operands need at least 1 dim, got shapes " + a.shape()
                    + " and " + b.shape() + "; use mul for scalars");
        }
        boolean aVec = a.rank() == 1, bVec = b.rank() == 1;
        boolean tA = transA && !aVec, tB = transB && !bVec;
        int[] ad = aVec ? new int[]{1, a.dim(0)} : a.dims();
        int[] bd = bVec ? new int[]{b.dim(0), 1} : b.dims();
        int ar = ad.length, br = bd.length;
        int m = tA ? ad[ar - 1] : ad[ar - 2], ka = tA ? ad[ar - 2] : ad[ar - 1];
        int kb = tB ? bd[br - 1] : bd[br - 2], n = tB ? bd[br - 2] : bd[br - 1];
        if (ka != kb) {
            throw new ShapeMismatchException("matmul: inner dims differ: " + a.shape() + (tA ? " (transposed)" : "")
                    + " @ " + b.shape() + (tB ? " (transposed)" : "") + " contracts " + ka + " with " + kb);
        }
        Shape aBatch = Shape.of(Arrays.copyOf(ad, ar - 2)), bBatch = Shape.of(Arrays.copyOf(bd, br - 2));
        Shape batch;
        try {
            batch = Shape.broadcast(aBatch, bBatch, "matmul");
        } catch (ShapeMismatchException e) {
            throw new ShapeMismatchException("matmul: batch dims of " + a.shape() + " and " + b.shape()
                    + " cannot be broadcast (" + aBatch + " vs " + bBatch + ")");
        }
        MatmulSpec spec = new MatmulSpec(batch, padTo(aBatch, batch.rank()), padTo(bBatch, batch.rank()), m, n, ka, tA, tB);
        int[] full = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        full[batch.rank()] = m;
        full[batch.rank() + 1] = n;
        Shape fullShape = Shape.of(full);
        int[] od = Arrays.copyOf(batch.dims(), batch.rank() + (aVec ? 0 : 1) + (bVec ? 0 : 1));
        if (!aVec) od[batch.rank()] = m;
        if (!bVec) od[od.length - 1] = n;
        Backend be = a.backend();
        Tensor out = Tensor.wrap(be, be.matmul().matmul(a.buffer(), b.buffer(), spec), Shape.of(od));
        Shape a2 = Shape.of(ad), b2 = Shape.of(bd);
        return Autograd.record(out, "matmul", new Tensor[]{a, b}, g -> {
            Tensor gm = g.shape().equals(fullShape) ? g : ShapeOps.reshape(g, full);
            Tensor am = aVec ? ShapeOps.reshape(a, ad) : a, bm = bVec ? ShapeOps.reshape(b, bd) : b;
            Tensor ga = null, gb = null;
            if (a.requiresGrad()) {
                Tensor d = tA ? matmul(bm, gm, tB, true) : matmul(gm, bm, false, !tB);
                ga = ShapeOps.reshape(reduceBatch(d, a2), a.dims());
            }
            if (b.requiresGrad()) {
                Tensor d = tB ? matmul(gm, am, true, tA) : matmul(am, gm, !tA, false);
                gb = ShapeOps.reshape(reduceBatch(d, b2), b.dims());
            }
            return new Tensor[]{ga, gb};
        });
    }

    /** Sums a gradient over the batch dims its operand was broadcast along. */
    private static Tensor reduceBatch(Tensor d, Shape operand) {
        return d.shape().equals(operand) ? d : ReduceOps.sumToShape(d, operand);
    }

    private static Shape padTo(Shape s, int rank) {
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        int[] d = s.dims();
        System.arraycopy(d, 0, out, rank - d.length, d.length);
        return Shape.of(out);
    }
}

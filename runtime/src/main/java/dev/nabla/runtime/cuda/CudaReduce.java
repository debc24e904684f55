package dev.nabla.runtime.cuda;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.Shape;
import dev.nabla.runtime.backend.ArgReduceOp;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.ReduceKernels;
import dev.nabla.runtime.backend.ReduceOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reductions with reduce.cu's {@code <op>_<dt>(x, y, outer, reduce, inner)}, which folds the middle axis of
 * an {@code [outer, reduce, inner]} view. Axes that form one contiguous run map onto that view directly;
 * any other set is first permuted on the device (kept axes, then reduced axes) with the strided copy.
 * Integer inputs reduce in float64 and are converted back (exact below 2^53). PROD has no PTX kernel in
 * older modules; it then runs on the host, logged once.
 */
final class CudaReduce extends CudaFamily implements ReduceKernels {
    private static final Logger LOG = LoggerFactory.getLogger(CudaReduce.class);
    private static volatile boolean prodWarned;

    static final KernelNames KERNELS = KernelNames.create()
            .add("reduce", KernelNames.FLOATS, "sum", "mean", "max", "min", "logsumexp", "argmax", "argmin");

    CudaReduce(CudaBackend backend) { super(backend); }

    /** A reduction problem in reduce.cu's terms, over a buffer that is already laid out for it. */
    private record View(CudaBuffer x, long outer, long reduce, long inner, boolean owned) {}

    @Override public Buffer reduce(ReduceOp op, Buffer x, Shape shape, int[] axes) {
        String name = op.name().toLowerCase();
        CudaBuffer in = buf(x, name);
        checkAxes(name, shape, axes);
        if (in.dtype().isFloating()) return reduceFloat(op, in, shape, axes);
        if (op == ReduceOp.MEAN || op == ReduceOp.LOGSUMEXP) requireFloating(name, in.dtype());
        CudaBuffer wide = (CudaBuffer) backend.cast(in, DType.FLOAT64);
        try {
            CudaBuffer r = reduceFloat(op, wide, shape, axes);
            try {
                return backend.cast(r, in.dtype());
            } finally {
                free(r);
            }
        } finally {
            free(wide);
        }
    }

    private CudaBuffer reduceFloat(ReduceOp op, CudaBuffer in, Shape shape, int[] axes) {
        String name = op.name().toLowerCase();
        View v = view(in, shape, axes);
        try {
            if (v.reduce == 0 && op != ReduceOp.SUM && op != ReduceOp.MEAN && op != ReduceOp.PROD) {
                throw new InvalidArgumentException(name + ": cannot reduce over an empty axis of shape " + shape
                        + " (axes " + java.util.Arrays.toString(axes) + ")");
            }
            if (op == ReduceOp.PROD && !CudaModules.has("reduce", k("prod", in.dtype()))) return prodOnHost(v);
            CudaBuffer y = alloc(in.dtype(), v.outer * v.inner);
            run(k(name, in.dtype()), v, y);
            return y;
        } finally {
            if (v.owned) free(v.x);
        }
    }

    @Override public Buffer argReduce(ArgReduceOp op, Buffer x, Shape shape, int axis) {
        String name = op.name().toLowerCase();
        CudaBuffer in = buf(x, name);
        int ax = shape.axis(axis, name);
        if (shape.dim(ax) == 0) throw new InvalidArgumentException(name + ": cannot reduce over the empty axis " + ax + " of " + shape);
        CudaBuffer f = in.dtype().isFloating() ? in : (CudaBuffer) backend.cast(in, DType.FLOAT64);
        try {
            View v = view(f, shape, new int[]{ax});
            CudaBuffer y = alloc(DType.INT64, v.outer * v.inner);
            run(k(name, f.dtype()), v, y);
            return y;
        } finally {
            if (f != in) free(f);
        }
    }

    private void run(String kernel, View v, CudaBuffer y) {
        if (v.outer * v.inner == 0) return;
        long blocks = v.inner == 1 ? v.outer : v.outer * ((v.inner + 31) / 32);
        launch("reduce", kernel, CudaLauncher.Grid.rows(blocks, 256), v.x, y, v.outer, v.reduce, v.inner);
    }

    /** [outer, reduce, inner] over x: direct when the axes are one run, else after a permute. */
    private View view(CudaBuffer x, Shape shape, int[] axes) {
        int r = shape.rank();
        long reduce = 1;
        for (int a : axes) reduce *= shape.dim(a);
        if (axes.length == 0) return new View(x, shape.numel(), 1, 1, false);
        int first = axes[0], last = axes[axes.length - 1];
        if (last - first + 1 == axes.length) {
            return new View(x, shape.numel(0, first), reduce, shape.numel(last + 1, r), false);
        }
        int[] perm = new int[r];
        int j = 0;
        boolean[] reduced = new boolean[r];
        for (int a : axes) reduced[a] = true;
        long outer = 1;
        for (int d = 0; d < r; d++) if (!reduced[d]) { perm[j++] = d; outer *= shape.dim(d); }
        for (int a : axes) perm[j++] = a;
        CudaBuffer p = backend.copy().permute(x, shape, perm);
        return new View(p, outer, reduce, 1, true);
    }

    private CudaBuffer prodOnHost(View v) {
        if (!prodWarned) {
            prodWarned = true;
            LOG.info("reduce PROD runs on the host: the PTX module has no prod_{} kernel", v.x.dtype().suffix());
        }
        CudaBuffer wide = v.x.dtype() == DType.FLOAT64 ? v.x : (CudaBuffer) backend.cast(v.x, DType.FLOAT64);
        double[] src = (double[]) backend.toArray(wide);
        if (wide != v.x) free(wide);
        int outer = Math.toIntExact(v.outer), red = Math.toIntExact(v.reduce), inner = Math.toIntExact(v.inner);
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double p = 1;
                for (int q = 0; q < red; q++) p *= src[(o * red + q) * inner + i];
                out[o * inner + i] = p;
            }
        }
        return (CudaBuffer) backend.fromArray(out, v.x.dtype());
    }

    private static void checkAxes(String op, Shape shape, int[] axes) {
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < 0 || axes[i] >= shape.rank() || (i > 0 && axes[i] <= axes[i - 1])) {
                throw new InvalidArgumentException(op + ": axes " + java.util.Arrays.toString(axes)
                        + " must be sorted, distinct and within the rank of " + shape);
            }
        }
    }
}

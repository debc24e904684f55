package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.DTypeMismatchException;
import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.Conv2dSpec;
import dev.nabla.runtime.backend.ConvKernels;

/**
 * conv2d on the CPU as im2col + GEMM over chunks of images: the columns of {@code nb} images side by side form
 * one [K, nb * P] matrix ({@code K = cInPerGroup * kh * kw}, {@code P = outH * outW}), so each GEMM is wide even
 * when the images are small. Per (chunk, group): forward {@code y = W_g [coutG, K] * col}, scattered back to
 * NCHW with the bias; backward-input {@code dcol = W_g^T * dy} then col2im; backward-weight
 * {@code dW_g += dy * col^T} (or its transpose {@code dW_g^T += col * dy^T} when K is narrower than coutG, so the
 * GEMM's columns are the wider side). A chunk of one image reads and writes the tensors in place (and a 1x1,
 * stride-1, unpadded conv uses the input itself as its column matrix). The float32 and float64 passes are
 * {@link CpuConvF} and {@link CpuConvD}.
 *
 * <p>Large batches are split across threads into contiguous image ranges ("tasks"), each cut into chunks run
 * in order; the weight gradient keeps one partial sum per task, added up in task order, so results do not
 * depend on scheduling. Small batches run as one task on the calling thread and let the GEMM, im2col and
 * col2im split their own work instead.
 *
 * <p>float32 convolutions at stride 1 with one group take {@link CpuConvImplicit} instead (all three passes, the
 * input gradient when its transposed conv exists), or {@link CpuConvWinograd} when they are 3x3 with enough
 * channels. Others with a short reduction (one group,
 * {@code cIn * kh * kw <= 27}: float64, or strided) take {@link CpuConvDirect}'s direct forward and
 * backward-weight; their input gradient stays here.
 */
final class CpuConv implements ConvKernels {
    /**
     * Columns (images x output pixels) a chunk aims for: enough for the GEMM to reach its speed. Images with at
     * least half as many output pixels go one at a time, with no gather or scatter.
     */
    private static final int TARGET_COLUMNS = Integer.getInteger("nabla.cpu.conv.columns", 1024);
    /** Most elements of one chunk's column matrix (4 MB of float32). */
    private static final int MAX_COLUMN_ELEMENTS = 1 << 20;

    /** Body over a task: its index and its image range [from, to). */
    @FunctionalInterface
    interface TaskBody { void run(int task, int from, int to); }

    /** Body over a chunk of nb images from b0. */
    @FunctionalInterface
    interface ChunkBody { void run(int b0, int nb); }

    /** Sizes shared by the three passes, and how the batch is cut into tasks and chunks. */
    record Plan(int n, int groups, int cinG, int coutG, int k, int p, int hw, int cIn, int cOut,
                boolean direct, int tasks, int chunk) {
        static Plan of(Conv2dSpec s) { return of(s, 0); }

        /** chunkImages > 0 forces the images per chunk (tests); else it follows TARGET_COLUMNS. */
        static Plan of(Conv2dSpec s, int chunkImages) {
            int cinG = s.cIn() / s.groups(), coutG = s.cOut() / s.groups();
            int k = cinG * s.kh() * s.kw(), p = s.outH() * s.outW();
            boolean direct = s.kh() == 1 && s.kw() == 1 && s.strideH() == 1 && s.strideW() == 1
                    && s.padH() == 0 && s.padW() == 0;
            int threads = CpuThreads.threads();
            int tasks = s.n() >= Math.max(2, threads / 2) ? Math.min(threads, s.n()) : 1;
            int chunk = chunkImages > 0 ? chunkImages
                    : Math.max(1, Math.min(TARGET_COLUMNS / p, MAX_COLUMN_ELEMENTS / Math.max(1, Math.max(k, coutG) * p)));
            chunk = Math.min(chunk, ceilDiv(s.n(), tasks));
            return new Plan(s.n(), s.groups(), cinG, coutG, k, p, s.h() * s.w(), s.cIn(), s.cOut(), direct, tasks, chunk);
        }

        /** The same sizes cut into the given tasks and images per chunk (tests). */
        Plan split(int tasks, int chunk) {
            return new Plan(n, groups, cinG, coutG, k, p, hw, cIn, cOut, direct, Math.min(tasks, n), chunk);
        }

        int xOff(int img, int g) { return (img * cIn + g * cinG) * hw; }

        int yOff(int img, int g) { return (img * cOut + g * coutG) * p; }

        int wOff(int g) { return g * coutG * k; }

        /** Runs body over the tasks: across threads when there are several, else on the calling thread. */
        void forTasks(TaskBody body) {
            if (tasks == 1) {
                body.run(0, 0, n);
                return;
            }
            CpuThreads.parallelFor(tasks, 1, (tf, tt) -> {
                for (int t = tf; t < tt; t++) body.run(t, (int) ((long) n * t / tasks), (int) ((long) n * (t + 1) / tasks));
            });
        }

        /** Cuts [from, to) into near-equal chunks of at most {@link #chunk} images, in order. */
        void forChunks(int from, int to, ChunkBody body) {
            int m = to - from, count = ceilDiv(m, chunk);
            for (int c = 0; c < count; c++) {
                int b0 = from + (int) ((long) m * c / count), b1 = from + (int) ((long) m * (c + 1) / count);
                body.run(b0, b1 - b0);
            }
        }
    }

    @Override
    public Buffer conv2d(Buffer xb, Buffer wb, Buffer biasb, Conv2dSpec s) {
        CpuBuffer x = CpuBuffer.of(xb, "conv2d"), w = CpuBuffer.of(wb, "conv2d");
        CpuBuffer bias = biasb == null ? null : CpuBuffer.of(biasb, "conv2d");
        check("conv2d", s, x, (long) s.n() * s.cIn() * s.h() * s.w(), w, (long) s.cOut() * (s.cIn() / s.groups()) * s.kh() * s.kw());
        if (bias != null) check("conv2d", s, bias, s.cOut(), x, x.size);
        if (x.dtype == DType.FLOAT32 && (CpuConvWinograd.appliesForward(s) || CpuConvImplicit.appliesForward(s))) {
            CpuBuffer y = CpuBackend.allocUninitialized(x.dtype, (long) s.n() * s.cOut() * s.outH() * s.outW());
            if (CpuConvWinograd.appliesForward(s)) CpuConvWinograd.forward(x.f, w.f, bias == null ? null : bias.f, y.f, s);
            else CpuConvImplicit.forward(x.f, w.f, bias == null ? null : bias.f, y.f, s);
            return y;
        }
        if (CpuConvDirect.applies(s)) return CpuConvDirect.forward(x, w, bias, s);
        return forward(x, w, bias, s, Plan.of(s));
    }

    @Override
    public Buffer conv2dBackwardInput(Buffer dyb, Buffer wb, Conv2dSpec s) {
        CpuBuffer dy = CpuBuffer.of(dyb, "conv2d_backward_input"), w = CpuBuffer.of(wb, "conv2d_backward_input");
        check("conv2d_backward_input", s, dy, (long) s.n() * s.cOut() * s.outH() * s.outW(),
                w, (long) s.cOut() * (s.cIn() / s.groups()) * s.kh() * s.kw());
        if (dy.dtype == DType.FLOAT32 && (CpuConvWinograd.appliesInput(s) || CpuConvImplicit.appliesInput(s))) {
            CpuBuffer dx = CpuBackend.allocUninitialized(dy.dtype, (long) s.n() * s.cIn() * s.h() * s.w());
            if (CpuConvWinograd.appliesInput(s)) CpuConvWinograd.backwardInput(dy.f, w.f, dx.f, s);
            else CpuConvImplicit.backwardInput(dy.f, w.f, dx.f, s);
            return dx;
        }
        return backwardInput(dy, w, s, Plan.of(s));
    }

    @Override
    public Buffer conv2dBackwardWeight(Buffer xb, Buffer dyb, Conv2dSpec s) {
        return weightAndBias(xb, dyb, s, false)[0];
    }

    /**
     * float32 convs whose weight gradient takes the implicit conv's "lanes" pass sum dy for the bias while that
     * pass streams dy into cache (it read one element per line for that); the others reduce dy on their own.
     */
    @Override
    public Buffer[] conv2dBackwardWeightAndBias(Buffer xb, Buffer dyb, Conv2dSpec s) {
        return weightAndBias(xb, dyb, s, true);
    }

    /** {dw, db} of both backward-weight entry points: db only where bias is asked for and the lanes pass runs. */
    private static Buffer[] weightAndBias(Buffer xb, Buffer dyb, Conv2dSpec s, boolean bias) {
        CpuBuffer x = CpuBuffer.of(xb, "conv2d_backward_weight"), dy = CpuBuffer.of(dyb, "conv2d_backward_weight");
        check("conv2d_backward_weight", s, x, (long) s.n() * s.cIn() * s.h() * s.w(),
                dy, (long) s.n() * s.cOut() * s.outH() * s.outW());
        if (x.dtype == DType.FLOAT32 && (CpuConvWinogradWeight.applies(s) || CpuConvImplicit.appliesForward(s))) {
            CpuBuffer dw = CpuBackend.allocUninitialized(x.dtype, (long) s.cOut() * s.cIn() * s.kh() * s.kw()), db = null;
            if (CpuConvWinogradWeight.applies(s)) {
                CpuConvWinogradWeight.backward(x.f, dy.f, dw.f, s);
            } else if (bias && CpuConvImplicit.lanesWeight(s) && CpuReduceVector.USABLE) {
                db = CpuBackend.allocUninitialized(x.dtype, s.cOut());
                CpuConvImplicit.weightLanes(x.f, dy.f, dw.f, db.f, s.n(), s.cOut(), CpuConvImplicit.Sources.forward(s));
            } else {
                CpuConvImplicit.backwardWeight(x.f, dy.f, dw.f, s);
            }
            return new Buffer[]{dw, db};
        }
        if (CpuConvDirect.applies(s)) return new Buffer[]{CpuConvDirect.backwardWeight(x, dy, s), null};
        return new Buffer[]{backwardWeight(x, dy, s, Plan.of(s)), null};
    }

    // ---------------------------------------------------------------- passes with an explicit plan (tests)

    static CpuBuffer forward(CpuBuffer x, CpuBuffer w, CpuBuffer bias, Conv2dSpec s, Plan d) {
        CpuBuffer y = CpuBackend.allocUninitialized(x.dtype, (long) s.n() * s.cOut() * d.p());
        if (x.dtype == DType.FLOAT32) CpuConvF.forward(x.f, w.f, bias == null ? null : bias.f, y.f, s, d);
        else CpuConvD.forward(x.d, w.d, bias == null ? null : bias.d, y.d, s, d);
        return y;
    }

    static CpuBuffer backwardInput(CpuBuffer dy, CpuBuffer w, Conv2dSpec s, Plan d) {
        CpuBuffer dx = CpuBackend.alloc(dy.dtype, (long) s.n() * s.cIn() * d.hw());
        if (dy.dtype == DType.FLOAT32) CpuConvF.backwardInput(dy.f, w.f, dx.f, s, d);
        else CpuConvD.backwardInput(dy.d, w.d, dx.d, s, d);
        return dx;
    }

    static CpuBuffer backwardWeight(CpuBuffer x, CpuBuffer dy, Conv2dSpec s, Plan d) {
        CpuBuffer dw = CpuBackend.alloc(x.dtype, (long) s.cOut() * d.k());
        if (x.dtype == DType.FLOAT32) CpuConvF.backwardWeight(x.f, dy.f, dw.f, s, d);
        else CpuConvD.backwardWeight(x.d, dy.d, dw.d, s, d);
        return dw;
    }

    // ---------------------------------------------------------------- helpers

    static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    /** Items per task so that each task handles at least ~32K elements. */
    static int grain(int perItem) { return Math.max(1, 32768 / Math.max(1, perItem)); }

    /** Cheap guards for direct backend callers; the op layer has already validated shapes with better messages. */
    private static void check(String op, Conv2dSpec s, CpuBuffer a, long aSize, CpuBuffer b, long bSize) {
        if (!a.dtype.isFloating() || a.dtype != b.dtype) {
            throw new DTypeMismatchException(op + ": expected two FLOAT32 or two FLOAT64 buffers, got "
                    + a.dtype + " and " + b.dtype);
        }
        if (s.groups() <= 0 || s.cIn() % s.groups() != 0 || s.cOut() % s.groups() != 0 || s.outH() <= 0 || s.outW() <= 0) {
            throw new InvalidArgumentException(op + ": invalid spec " + s);
        }
        if (a.size != aSize || b.size != bSize) {
            throw new InvalidArgumentException(op + ": buffers of " + a.size + " and " + b.size
                    + " elements do not match " + s + " (expected " + aSize + " and " + bSize + ")");
        }
    }
}

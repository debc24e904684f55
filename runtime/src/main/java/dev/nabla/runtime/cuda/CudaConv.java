package dev.nabla.runtime.cuda;

import dev.nabla.runtime.InvalidArgumentException;
import dev.nabla.runtime.backend.Buffer;
import dev.nabla.runtime.backend.Conv2dSpec;
import dev.nabla.runtime.backend.ConvKernels;

/**
 * Convolution as im2col + GEMM (conv.cu's {@code im2col}/{@code col2im}/{@code conv_bias_add}, then
 * {@link CudaGemm}), group by group with pointer offsets instead of copies. Images are processed in
 * chunks so the column buffer stays under {@link #COL_BUDGET_BYTES}. cuDNN is not used (see the README):
 * the JCudnn jar and the cuDNN 9 natives on Maven Central do not match.
 *
 * <p>Per group g with Cg = cIn/groups input channels, Og = cOut/groups outputs, KK = Cg*kh*kw, S = oh*ow:
 * forward {@code y[n, g] = W_g [Og, KK] x col[n] [KK, S]}; input gradient {@code gcol[n] = W_g^T x dy[n, g]},
 * then col2im; weight gradient {@code dW_g = dy_g [Og, N*S] x colP^T} with dy and col permuted so the
 * images lie along the reduction dimension: one GEMM per chunk instead of one per image.
 */
final class CudaConv extends CudaFamily implements ConvKernels {
    static final long COL_BUDGET_BYTES = 256L << 20;
    static final KernelNames KERNELS = KernelNames.create()
            .add("conv", KernelNames.FLOATS, "im2col", "col2im", "conv_bias_add");

    private final CudaGemm gemm;

    CudaConv(CudaBackend backend, CudaGemm gemm) {
        super(backend);
        this.gemm = gemm;
    }

    /** The sizes every pass uses. */
    private record Dims(int cg, int og, int kk, int s, int oh, int ow, int chunk) {}

    private Dims dims(Conv2dSpec p, int bytes) {
        if (p.groups() < 1 || p.cIn() % p.groups() != 0 || p.cOut() % p.groups() != 0) {
            throw new InvalidArgumentException("conv2d: groups " + p.groups() + " must divide cIn " + p.cIn() + " and cOut " + p.cOut());
        }
        int oh = p.outH(), ow = p.outW();
        if (oh < 1 || ow < 1) throw new InvalidArgumentException("conv2d: output size " + oh + " x " + ow + " for " + p);
        int cg = p.cIn() / p.groups();
        int kk = cg * p.kh() * p.kw(), s = oh * ow;
        long perImage = (long) kk * s * bytes;
        int chunk = (int) Math.max(1, Math.min(p.n(), COL_BUDGET_BYTES / Math.max(1, perImage)));
        return new Dims(cg, p.cOut() / p.groups(), kk, s, oh, ow, chunk);
    }

    @Override public Buffer conv2d(Buffer x, Buffer w, Buffer bias, Conv2dSpec p) {
        CudaBuffer in = buf(x, "conv2d"), wt = buf(w, "conv2d");
        requireFloating("conv2d", in.dtype());
        requireSame("conv2d", in, wt);
        Dims d = dims(p, in.dtype().byteSize());
        CudaBuffer y = alloc(in.dtype(), (long) p.n() * p.cOut() * d.s);
        CudaBuffer col = alloc(in.dtype(), (long) d.chunk * d.kk * d.s);
        try {
            for (int n0 = 0; n0 < p.n(); n0 += d.chunk) {
                int cn = Math.min(d.chunk, p.n() - n0);
                for (int g = 0; g < p.groups(); g++) {
                    im2col(in, (long) n0 * p.cIn() * p.h() * p.w() + (long) g * d.cg * p.h() * p.w(), col, cn, p, d);
                    gemm.gemm(in.dtype(), false, false, d.og, d.s, d.kk,
                            new CudaGemm.Operand(wt.ptr((long) g * d.og * d.kk), d.kk, 0),
                            new CudaGemm.Operand(col.ptr(), d.s, (long) d.kk * d.s),
                            new CudaGemm.Operand(y.ptr(((long) n0 * p.cOut() + (long) g * d.og) * d.s), d.s, (long) p.cOut() * d.s),
                            cn, 1.0, 0.0);
                }
            }
        } finally {
            free(col);
        }
        if (bias != null) {
            CudaBuffer b = buf(bias, "conv2d");
            requireSame("conv2d bias", in, b);
            launch("conv", k("conv_bias_add", in.dtype()), CudaLauncher.Grid.linear(y.size()), y, b, (long) p.n(), (long) p.cOut(), (long) d.s);
        }
        return y;
    }

    @Override public Buffer conv2dBackwardInput(Buffer dy, Buffer w, Conv2dSpec p) {
        CudaBuffer gy = buf(dy, "conv2d backward"), wt = buf(w, "conv2d backward");
        requireFloating("conv2d backward", gy.dtype());
        requireSame("conv2d backward", gy, wt);
        Dims d = dims(p, gy.dtype().byteSize());
        CudaBuffer dx = alloc(gy.dtype(), (long) p.n() * p.cIn() * p.h() * p.w());
        CudaBuffer gcol = alloc(gy.dtype(), (long) d.chunk * d.kk * d.s);
        try {
            for (int n0 = 0; n0 < p.n(); n0 += d.chunk) {
                int cn = Math.min(d.chunk, p.n() - n0);
                for (int g = 0; g < p.groups(); g++) {
                    gemm.gemm(gy.dtype(), true, false, d.kk, d.s, d.og,
                            new CudaGemm.Operand(wt.ptr((long) g * d.og * d.kk), d.kk, 0),
                            new CudaGemm.Operand(gy.ptr(((long) n0 * p.cOut() + (long) g * d.og) * d.s), d.s, (long) p.cOut() * d.s),
                            new CudaGemm.Operand(gcol.ptr(), d.s, (long) d.kk * d.s), cn, 1.0, 0.0);
                    long xOff = (long) n0 * p.cIn() * p.h() * p.w() + (long) g * d.cg * p.h() * p.w();
                    launch("conv", k("col2im", gy.dtype()), CudaLauncher.Grid.linear((long) cn * d.cg * p.h() * p.w()),
                            gcol, dx.ptr(xOff), (long) cn, d.cg, p.h(), p.w(), p.kh(), p.kw(), p.strideH(), p.strideW(),
                            p.padH(), p.padW(), p.dilationH(), p.dilationW(), d.oh, d.ow,
                            (long) p.cIn() * p.h() * p.w(), (long) d.kk * d.s);
                }
            }
        } finally {
            free(gcol);
        }
        return dx;
    }

    @Override public Buffer conv2dBackwardWeight(Buffer x, Buffer dy, Conv2dSpec p) {
        CudaBuffer in = buf(x, "conv2d backward"), gy = buf(dy, "conv2d backward");
        requireFloating("conv2d backward", in.dtype());
        requireSame("conv2d backward", in, gy);
        Dims d = dims(p, in.dtype().byteSize());
        CudaBuffer dw = alloc(in.dtype(), (long) p.cOut() * d.kk);
        // dy as [cOut, N, S]: channel c's rows of all images side by side
        CudaBuffer dyP = (CudaBuffer) backend.copy().stridedCopy(gy, 0,
                new long[]{d.s, (long) p.cOut() * d.s, 1}, dev.nabla.runtime.Shape.of(p.cOut(), p.n(), d.s));
        CudaBuffer col = alloc(in.dtype(), (long) d.chunk * d.kk * d.s);
        try {
            for (int n0 = 0; n0 < p.n(); n0 += d.chunk) {
                int cn = Math.min(d.chunk, p.n() - n0);
                for (int g = 0; g < p.groups(); g++) {
                    im2col(in, (long) n0 * p.cIn() * p.h() * p.w() + (long) g * d.cg * p.h() * p.w(), col, cn, p, d);
                    CudaBuffer colP = (CudaBuffer) backend.copy().stridedCopy(col, 0,
                            new long[]{d.s, (long) d.kk * d.s, 1}, dev.nabla.runtime.Shape.of(d.kk, cn, d.s));
                    try {
                        gemm.gemm(in.dtype(), false, true, d.og, d.kk, cn * d.s,
                                new CudaGemm.Operand(dyP.ptr((long) g * d.og * p.n() * d.s + (long) n0 * d.s), (long) p.n() * d.s, 0),
                                new CudaGemm.Operand(colP.ptr(), (long) cn * d.s, 0),
                                new CudaGemm.Operand(dw.ptr((long) g * d.og * d.kk), d.kk, 0),
                                1, 1.0, n0 == 0 ? 0.0 : 1.0);
                    } finally {
                        free(colP);
                    }
                }
            }
        } finally {
            free(col);
            free(dyP);
        }
        return dw;
    }

    private void im2col(CudaBuffer x, long xOffset, CudaBuffer col, int images, Conv2dSpec p, Dims d) {
        launch("conv", k("im2col", x.dtype()), CudaLauncher.Grid.linear((long) images * d.kk * d.s),
                x.ptr(xOffset), col, (long) images, d.cg, p.h(), p.w(), p.kh(), p.kw(), p.strideH(), p.strideW(),
                p.padH(), p.padW(), p.dilationH(), p.dilationW(), d.oh, d.ow, (long) p.cIn() * p.h() * p.w(), (long) d.kk * d.s);
    }
}

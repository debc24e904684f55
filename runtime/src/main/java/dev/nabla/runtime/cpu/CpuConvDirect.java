package dev.nabla.runtime.cpu;

import dev.nabla.runtime.DType;
import dev.nabla.runtime.backend.Conv2dSpec;

/**
 * conv2d without im2col for convolutions whose reduction is short ({@code K = cIn * kh * kw <= } {@link #MAX_K},
 * one group), such as a CNN's first layer on 1- or 3-channel images: there a GEMM with K = 9 is mostly overhead.
 * Each image's channels are copied once into zero-padded planes of {@code hp x wp} ({@code hp = h + 2 padH},
 * {@code wp = w + 2 padW}), so every tap (c, ki, kj) is a fixed offset into them and no bounds checks remain.
 *
 * <ul>
 *   <li>forward, per (image, output channel): {@code y = bias + sum_tap w[tap] * shifted padded plane}. With both
 *       strides 1 an output row and a padded row are both {@code wp} long when the output is laid out with row
 *       stride {@code wp}, so the whole plane is one contiguous run per tap (the {@code wp - outW} extra columns
 *       of each row are computed and dropped); otherwise it runs row by row with strided reads.</li>
 *   <li>backward-weight: {@code dW[co, tap] = sum_(n, oy, ox) dy[n, co, oy, ox] * padded x[n, tap + (oy, ox)]},
 *       a dot product of the output-gradient plane (laid out with row stride {@code wp}, zeros in the extra
 *       columns) with each tap's shifted plane. Split across threads by output channel; each dW element is
 *       summed by one thread in image order, so results do not depend on the number of threads.</li>
 * </ul>
 * The float32 and float64 loops are {@link CpuConvDirectF} and {@link CpuConvDirectD}; their unit-stride runs go
 * through {@link CpuConvVector} when the Vector API is present. The input gradient stays on the im2col path.
 * float32 convolutions at stride 1 take {@link CpuConvImplicit} before this class (the same forward bits).
 */
final class CpuConvDirect {
    /** Largest reduction length (input channels x kernel taps) that takes the direct path. */
    static final int MAX_K = Integer.getInteger("nabla.cpu.conv.directMaxK", 27);

    private CpuConvDirect() {}

    /** Whether the direct forward and backward-weight apply to s. */
    static boolean applies(Conv2dSpec s) {
        long k = (long) s.cIn() * s.kh() * s.kw();
        long padded = (long) s.cIn() * (s.h() + 2L * s.padH()) * (s.w() + 2L * s.padW());
        return s.groups() == 1 && k <= MAX_K && padded <= Integer.MAX_VALUE / 2;
    }

    /**
     * Sizes of the padded layout. off[tap] is the tap's offset into an image's padded planes; an output run
     * starting at output row oy reads from {@code oy * strideH * wp + off[tap]} with column step strideW.
     * flat: both strides are 1, so the plane is one run of {@code run} elements with row stride wp.
     */
    record Geo(int k, int hp, int wp, int plane, int oh, int ow, int sh, int sw, boolean flat, int run, int[] off) {
        static Geo of(Conv2dSpec s) {
            int hp = s.h() + 2 * s.padH(), wp = s.w() + 2 * s.padW(), kh = s.kh(), kw = s.kw();
            int k = s.cIn() * kh * kw, oh = s.outH(), ow = s.outW();
            int[] off = new int[k];
            for (int c = 0, t = 0; c < s.cIn(); c++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++) off[t++] = c * hp * wp + ki * s.dilationH() * wp + kj * s.dilationW();
                }
            }
            boolean flat = s.strideH() == 1 && s.strideW() == 1;
            return new Geo(k, hp, wp, hp * wp, oh, ow, s.strideH(), s.strideW(), flat, (oh - 1) * wp + ow, off);
        }
    }

    static CpuBuffer forward(CpuBuffer x, CpuBuffer w, CpuBuffer bias, Conv2dSpec s) {
        CpuBuffer y = CpuBackend.allocUninitialized(x.dtype, (long) s.n() * s.cOut() * s.outH() * s.outW());
        Geo g = Geo.of(s);
        if (x.dtype == DType.FLOAT32) CpuConvDirectF.forward(x.f, w.f, bias == null ? null : bias.f, y.f, s, g);
        else CpuConvDirectD.forward(x.d, w.d, bias == null ? null : bias.d, y.d, s, g);
        return y;
    }

    static CpuBuffer backwardWeight(CpuBuffer x, CpuBuffer dy, Conv2dSpec s) {
        CpuBuffer dw = CpuBackend.allocUninitialized(x.dtype, (long) s.cOut() * s.cIn() * s.kh() * s.kw());
        Geo g = Geo.of(s);
        if (x.dtype == DType.FLOAT32) CpuConvDirectF.backwardWeight(x.f, dy.f, dw.f, s, g);
        else CpuConvDirectD.backwardWeight(x.d, dy.d, dw.d, s, g);
        return dw;
    }
}

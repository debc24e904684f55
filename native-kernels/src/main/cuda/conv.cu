// conv.cu — the data-movement half of conv2d-as-GEMM (NCHW): im2col, col2im, bias
// add and bias gradient. The arithmetic is gemm_<dt> (gemm.cu).
//
// Forward, per group g (the Java side offsets the pointers by the group's channels):
//   col[n] = im2col(x[n])            col: [N, C*kH*kW, OH*OW]
//   y[n]   = Wg [Cout_g, C*kH*kW] x col[n]     (batched gemm, batch stride 0 for W)
// Backward: gcol[n] = Wg^T x gy[n]; gx = col2im(gcol); gW = sum_n gy[n] x col[n]^T.
//
// Row r of col is (c, ki, kj) = (r / (kH*kW), (r / kW) % kH, r % kW); column q is
// (oh, ow) = (q / OW, q % OW); col[r][q] = x[c][oh*sH - pH + ki*dH][ow*sW - pW + kj*dW],
// 0 outside the image. C here is the channel count of ONE group; x_batch_stride is the
// distance between images in x (all channels: C_total*H*W), col_batch_stride the same
// for col (normally C*kH*kW*OH*OW), so groups need no copies.
//
// col2im is a gather (each x element sums the col entries that read it): deterministic,
// no atomics, OVERWRITES x.

#include "common.cuh"

template <typename T>
__device__ void im2col_impl(const T* __restrict__ x, T* __restrict__ col, long long N, int C, int H, int W,
                            int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW, int OH, int OW,
                            long long x_batch_stride, long long col_batch_stride) {
    long long per_image = (long long)C * kH * kW * OH * OW;
    long long total = N * per_image;
    NABLA_GRID_STRIDE(i, total) {
        long long n = i / per_image;
        long long rem = i - n * per_image;
        long long q = rem % ((long long)OH * OW);
        long long r = rem / ((long long)OH * OW);
        int ow = (int)(q % OW), oh = (int)(q / OW);
        int kj = (int)(r % kW), ki = (int)((r / kW) % kH);
        long long c = r / ((long long)kW * kH);
        int h = oh * sH - pH + ki * dH;
        int w = ow * sW - pW + kj * dW;
        T v = T(0);
        if (h >= 0 && h < H && w >= 0 && w < W) v = x[n * x_batch_stride + (c * H + h) * W + w];
        col[n * col_batch_stride + rem] = v;
    }
}

template <typename T>
__device__ void col2im_impl(const T* __restrict__ col, T* __restrict__ x, long long N, int C, int H, int W,
                            int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW, int OH, int OW,
                            long long x_batch_stride, long long col_batch_stride) {
    long long per_image = (long long)C * H * W;
    long long total = N * per_image;
    long long L = (long long)OH * OW;
    NABLA_GRID_STRIDE(i, total) {
        long long n = i / per_image;
        long long rem = i - n * per_image;
        int w = (int)(rem % W);
        int h = (int)((rem / W) % H);
        long long c = rem / ((long long)W * H);
        const T* cn = col + n * col_batch_stride;
        T s = T(0);
        for (int ki = 0; ki < kH; ++ki) {
            int th = h + pH - ki * dH;          // = oh * sH
            if (th < 0 || th % sH != 0) continue;
            int oh = th / sH;
            if (oh >= OH) continue;
            for (int kj = 0; kj < kW; ++kj) {
                int tw = w + pW - kj * dW;      // = ow * sW
                if (tw < 0 || tw % sW != 0) continue;
                int ow = tw / sW;
                if (ow >= OW) continue;
                long long r = (c * kH + ki) * kW + kj;
                s += cn[r * L + (long long)oh * OW + ow];
            }
        }
        x[n * x_batch_stride + rem] = s;
    }
}

#define CONV_KERNELS(T, SUF)                                                                        \
    extern "C" __global__ void im2col_##SUF(const T* x, T* col, long long N, int C, int H, int W,   \
                                            int kH, int kW, int sH, int sW, int pH, int pW, int dH, \
                                            int dW, int OH, int OW, long long x_batch_stride,       \
                                            long long col_batch_stride) {                           \
        im2col_impl<T>(x, col, N, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, OH, OW, x_batch_stride,  \
                       col_batch_stride);                                                           \
    }                                                                                               \
    extern "C" __global__ void col2im_##SUF(const T* col, T* x, long long N, int C, int H, int W,   \
                                            int kH, int kW, int sH, int sW, int pH, int pW, int dH, \
                                            int dW, int OH, int OW, long long x_batch_stride,       \
                                            long long col_batch_stride) {                           \
        col2im_impl<T>(col, x, N, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, OH, OW, x_batch_stride,  \
                       col_batch_stride);                                                           \
    }                                                                                               \
    /* y[n, c, s] += bias[c] for y [N, C, S] */                                                     \
    extern "C" __global__ void conv_bias_add_##SUF(T* __restrict__ y, const T* __restrict__ bias,   \
                                                   long long N, long long C, long long S) {         \
        NABLA_GRID_STRIDE(i, N * C * S) y[i] += bias[(i / S) % C];                                   \
    }                                                                                               \
    /* gb[c] = sum over n, s of gy[n, c, s]; one block per channel */                               \
    extern "C" __global__ void conv_bias_grad_##SUF(const T* __restrict__ gy, T* __restrict__ gb,   \
                                                    long long N, long long C, long long S) {        \
        long long M = N * S;                                                                        \
        for (long long c = blockIdx.x; c < C; c += gridDim.x) {                                     \
            T s = T(0);                                                                             \
            for (long long k = threadIdx.x; k < M; k += blockDim.x) {                               \
                long long n = k / S;                                                                \
                s += gy[(n * C + c) * S + (k - n * S)];                                             \
            }                                                                                       \
            s = block_sum(s);                                                                       \
            if (threadIdx.x == 0) gb[c] = s;                                                        \
        }                                                                                           \
    }

CONV_KERNELS(float, f32)
CONV_KERNELS(double, f64)

/* ---- launch notes ----------------------------------------------------------------------
 * im2col_<dt>(const T* x, T* col, long long N, int C, int H, int W, int kH, int kW,
 *             int sH, int sW, int pH, int pW, int dH, int dW, int OH, int OW,
 *             long long x_batch_stride, long long col_batch_stride)
 *   one thread per col element: block 256, grid min(ceil(N*C*kH*kW*OH*OW/256), 65535*8).
 *   OH = (H + 2pH - dH(kH-1) - 1)/sH + 1 (same for OW), computed by the caller.
 * col2im_<dt>(const T* col, T* x, <same size arguments as im2col>)
 *   one thread per x element (N*C*H*W); overwrites x[n][0..C) (the group's channels).
 * conv_bias_add_<dt>(T* y, const T* bias, long long N, long long C, long long S)
 *   in place, S = OH*OW; elementwise grid.
 * conv_bias_grad_<dt>(const T* gy, T* gb, long long N, long long C, long long S)
 *   block 256 (multiple of 32), grid min(C, 65535); overwrites gb.
 * Preconditions: all sizes >= 1; C*H*W, C*kH*kW and OH*OW fit in int per image for the
 * int arithmetic on h/w (indices themselves are 64-bit).
 * --------------------------------------------------------------------------------------- */

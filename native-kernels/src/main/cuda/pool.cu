// pool.cu — 2-D max and average pooling over NCHW, forward and backward.
//
// Layout: x is [N, C, H, W] contiguous, treated as P = N*C independent planes; y is
// [N, C, OH, OW]. The Java side computes OH/OW (floor or ceil mode) and passes them;
// window origin = o*stride - pad; dilation 1.
//
// max_pool2d: y = max over the window clipped to the input (padding never wins); NaN
//   propagates (first NaN wins). argmax (int32) = h*W + w within the input plane, or -1
//   for a window that lies entirely in padding (y = -inf there).
//   Backward scatters gy to gx[argmax] with atomicAdd (windows overlap when stride <
//   kernel), so gx must be zeroed first.
// avg_pool2d: PyTorch semantics. The window is clipped to the padded extent
//   [-pad, size + pad); with count_include_pad the divisor is that clipped window's size,
//   otherwise the number of real input elements in it. Backward is a gather (each input
//   element sums the windows covering it): deterministic, no atomics, overwrites gx.
//
// One thread per output (forward) or per input element (avg backward); grid-stride.

#include "common.cuh"

template <typename T>
__device__ void max_pool_fwd(const T* __restrict__ x, T* __restrict__ y, int* __restrict__ argmax,
                             long long planes, int H, int W, int OH, int OW, int kH, int kW,
                             int sH, int sW, int pH, int pW) {
    long long total = planes * OH * OW;
    NABLA_GRID_STRIDE(i, total) {
        int ow = (int)(i % OW);
        int oh = (int)((i / OW) % OH);
        long long p = i / ((long long)OW * OH);
        const T* xp = x + p * H * W;
        int h0 = oh * sH - pH, w0 = ow * sW - pW;
        T best = -m_inf<T>();
        int bi = -1;
        for (int kh = 0; kh < kH; ++kh) {
            int h = h0 + kh;
            if (h < 0 || h >= H) continue;
            for (int kw = 0; kw < kW; ++kw) {
                int w = w0 + kw;
                if (w < 0 || w >= W) continue;
                T v = xp[h * W + w];
                if (bi < 0 || v > best || (v != v && best == best)) { best = v; bi = h * W + w; }
            }
        }
        y[i] = best;
        argmax[i] = bi;
    }
}

template <typename T>
__device__ void max_pool_bwd(const T* __restrict__ gy, const int* __restrict__ argmax, T* __restrict__ gx,
                             long long planes, int H, int W, int OH, int OW) {
    long long total = planes * OH * OW;
    NABLA_GRID_STRIDE(i, total) {
        int a = argmax[i];
        if (a >= 0) {
            long long p = i / ((long long)OW * OH);
            atomicAdd(gx + p * H * W + a, gy[i]);
        }
    }
}

// Window [start, end) in padded coordinates and its divisor, PyTorch's avg_pool2d rule.
__device__ __forceinline__ void avg_window(int o, int s, int k, int pad, int size, int* start, int* end,
                                           int* padded_len) {
    int a = o * s - pad;
    int b = min(a + k, size + pad);
    *padded_len = b - a;
    *start = max(a, 0);
    *end = min(b, size);
}

template <typename T>
__device__ void avg_pool_fwd(const T* __restrict__ x, T* __restrict__ y, long long planes, int H, int W,
                             int OH, int OW, int kH, int kW, int sH, int sW, int pH, int pW,
                             int count_include_pad) {
    long long total = planes * OH * OW;
    NABLA_GRID_STRIDE(i, total) {
        int ow = (int)(i % OW);
        int oh = (int)((i / OW) % OH);
        long long p = i / ((long long)OW * OH);
        const T* xp = x + p * H * W;
        int hs, he, hl, ws, we, wl;
        avg_window(oh, sH, kH, pH, H, &hs, &he, &hl);
        avg_window(ow, sW, kW, pW, W, &ws, &we, &wl);
        T s = T(0);
        for (int h = hs; h < he; ++h)
            for (int w = ws; w < we; ++w) s += xp[h * W + w];
        int div = count_include_pad ? hl * wl : (he - hs) * (we - ws);
        y[i] = div > 0 ? s / T(div) : T(0);
    }
}

template <typename T>
__device__ void avg_pool_bwd(const T* __restrict__ gy, T* __restrict__ gx, long long planes, int H, int W,
                             int OH, int OW, int kH, int kW, int sH, int sW, int pH, int pW,
                             int count_include_pad) {
    long long total = planes * H * W;
    NABLA_GRID_STRIDE(i, total) {
        int w = (int)(i % W);
        int h = (int)((i / W) % H);
        long long p = i / ((long long)W * H);
        const T* gp = gy + p * OH * OW;
        // outputs whose window [o*s - pad, o*s - pad + k) contains h
        int oh0 = (h + pH < kH) ? 0 : (h + pH - kH) / sH + 1;
        int oh1 = min((h + pH) / sH + 1, OH);
        int ow0 = (w + pW < kW) ? 0 : (w + pW - kW) / sW + 1;
        int ow1 = min((w + pW) / sW + 1, OW);
        T s = T(0);
        for (int oh = oh0; oh < oh1; ++oh) {
            int hs, he, hl;
            avg_window(oh, sH, kH, pH, H, &hs, &he, &hl);
            for (int ow = ow0; ow < ow1; ++ow) {
                int ws, we, wl;
                avg_window(ow, sW, kW, pW, W, &ws, &we, &wl);
                int div = count_include_pad ? hl * wl : (he - hs) * (we - ws);
                if (div > 0) s += gp[oh * OW + ow] / T(div);
            }
        }
        gx[i] = s;
    }
}

#define POOL_KERNELS(T, SUF)                                                                        \
    extern "C" __global__ void max_pool2d_##SUF(const T* x, T* y, int* argmax, long long planes,    \
                                                int H, int W, int OH, int OW, int kH, int kW,       \
                                                int sH, int sW, int pH, int pW) {                   \
        max_pool_fwd<T>(x, y, argmax, planes, H, W, OH, OW, kH, kW, sH, sW, pH, pW);                \
    }                                                                                               \
    extern "C" __global__ void max_pool2d_backward_##SUF(const T* gy, const int* argmax, T* gx,     \
                                                         long long planes, int H, int W, int OH,    \
                                                         int OW) {                                  \
        max_pool_bwd<T>(gy, argmax, gx, planes, H, W, OH, OW);                                      \
    }                                                                                               \
    extern "C" __global__ void avg_pool2d_##SUF(const T* x, T* y, long long planes, int H, int W,   \
                                                int OH, int OW, int kH, int kW, int sH, int sW,     \
                                                int pH, int pW, int count_include_pad) {            \
        avg_pool_fwd<T>(x, y, planes, H, W, OH, OW, kH, kW, sH, sW, pH, pW, count_include_pad);     \
    }                                                                                               \
    extern "C" __global__ void avg_pool2d_backward_##SUF(const T* gy, T* gx, long long planes,      \
                                                         int H, int W, int OH, int OW, int kH,      \
                                                         int kW, int sH, int sW, int pH, int pW,    \
                                                         int count_include_pad) {                   \
        avg_pool_bwd<T>(gy, gx, planes, H, W, OH, OW, kH, kW, sH, sW, pH, pW, count_include_pad);   \
    }

POOL_KERNELS(float, f32)
POOL_KERNELS(double, f64)

/* ---- launch notes ----------------------------------------------------------------------
 * planes = N*C (long long); all other sizes are int. 1-D grid-stride, block 256.
 * max_pool2d_<dt>(const T* x, T* y, int* argmax, long long planes, int H, int W, int OH,
 *                 int OW, int kH, int kW, int sH, int sW, int pH, int pW)
 *   grid min(ceil(planes*OH*OW / 256), 65535*8). argmax: int32 [N, C, OH, OW].
 * max_pool2d_backward_<dt>(const T* gy, const int* argmax, T* gx, long long planes, int H,
 *                          int W, int OH, int OW)
 *   gx MUST be zero-filled first (fill_<dt>); accumulates with atomicAdd (order of
 *   additions, hence the last bits, may vary when windows overlap).
 * avg_pool2d_<dt>(const T* x, T* y, long long planes, int H, int W, int OH, int OW, int kH,
 *                 int kW, int sH, int sW, int pH, int pW, int count_include_pad)
 * avg_pool2d_backward_<dt>(const T* gy, T* gx, planes, H, W, OH, OW, kH, kW, sH, sW, pH, pW,
 *                          int count_include_pad)
 *   grid over planes*H*W; overwrites gx.
 * Preconditions: kH, kW, sH, sW >= 1; 0 <= pad; H*W and OH*OW < 2^31. No shared memory.
 * --------------------------------------------------------------------------------------- */

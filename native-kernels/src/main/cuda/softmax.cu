// softmax.cu — softmax and log_softmax over the last axis of a contiguous [rows, cols]
// matrix, forward and backward. (Softmax over another axis: the Java side permutes.)
//
// One block per row (grid-stride over rows). Forward makes two passes over the row:
//  1. each thread keeps an online (max, sum of exp(x - max)) pair over its elements,
//     the pairs are merged across the block with warp shuffles;
//  2. y = exp(x - max) / sum   or   y = x - max - log(sum).
// Backward (y is the forward OUTPUT):
//  softmax:     gx = y * (gy - sum_j gy_j * y_j)
//  log_softmax: gx = gy - exp(y) * sum_j gy_j
//
// Numerics: f32 computes in float, f64 in double, precise expf/logf. A row that is all
// -inf yields NaN (as PyTorch). Sums are combined in a fixed order: deterministic.

#include "common.cuh"

template <typename T, bool LOG>
__device__ void softmax_rows(const T* __restrict__ x, T* __restrict__ y, long long rows, long long cols) {
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * cols;
        T* yr = y + row * cols;
        MaxSum<T> acc = maxsum_identity<T>();
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) acc = MaxSumOp<T>::combine(acc, maxsum_of(xr[c]));
        acc = block_allreduce<MaxSumOp<T> >(acc);
        if (LOG) {
            T shift = acc.m + m_log(acc.s);
            for (long long c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = xr[c] - shift;
        } else {
            T inv = T(1) / acc.s;
            for (long long c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = m_exp(xr[c] - acc.m) * inv;
        }
    }
}

template <typename T, bool LOG>
__device__ void softmax_backward_rows(const T* __restrict__ y, const T* __restrict__ gy, T* __restrict__ gx,
                                      long long rows, long long cols) {
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* yr = y + row * cols;
        const T* gr = gy + row * cols;
        T* out = gx + row * cols;
        T part = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) part += LOG ? gr[c] : gr[c] * yr[c];
        T total = block_sum(part);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            out[c] = LOG ? gr[c] - m_exp(yr[c]) * total : yr[c] * (gr[c] - total);
        }
    }
}

#define SOFTMAX_KERNELS(T, SUF)                                                                    \
    extern "C" __global__ void softmax_##SUF(const T* __restrict__ x, T* __restrict__ y,           \
                                             long long rows, long long cols) {                     \
        softmax_rows<T, false>(x, y, rows, cols);                                                  \
    }                                                                                              \
    extern "C" __global__ void log_softmax_##SUF(const T* __restrict__ x, T* __restrict__ y,       \
                                                 long long rows, long long cols) {                 \
        softmax_rows<T, true>(x, y, rows, cols);                                                   \
    }                                                                                              \
    extern "C" __global__ void softmax_backward_##SUF(const T* __restrict__ y,                     \
                                                      const T* __restrict__ gy,                    \
                                                      T* __restrict__ gx, long long rows,          \
                                                      long long cols) {                            \
        softmax_backward_rows<T, false>(y, gy, gx, rows, cols);                                    \
    }                                                                                              \
    extern "C" __global__ void log_softmax_backward_##SUF(const T* __restrict__ y,                 \
                                                          const T* __restrict__ gy,                \
                                                          T* __restrict__ gx, long long rows,      \
                                                          long long cols) {                        \
        softmax_backward_rows<T, true>(y, gy, gx, rows, cols);                                     \
    }

SOFTMAX_KERNELS(float, f32)
SOFTMAX_KERNELS(double, f64)

/* ---- launch notes ----------------------------------------------------------------------
 * softmax_<dt>(const T* x, T* y, long long rows, long long cols)
 * log_softmax_<dt>(const T* x, T* y, long long rows, long long cols)
 * softmax_backward_<dt>(const T* y, const T* gy, T* gx, long long rows, long long cols)
 * log_softmax_backward_<dt>(const T* y, const T* gy, T* gx, long long rows, long long cols)
 *   y in the backward kernels is the forward OUTPUT (softmax probabilities, or
 *   log-probabilities for log_softmax).
 * Block: 256 threads (multiple of 32, <= 1024; 128 is better when cols <= 512).
 * Grid: min(rows, 65535), 1-D; the kernel loops over rows.
 * Shared memory: static, < 1 KiB. Preconditions: cols >= 1; outputs do not alias inputs.
 * --------------------------------------------------------------------------------------- */

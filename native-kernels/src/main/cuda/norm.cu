// norm.cu — layer normalisation and batch normalisation, forward and backward.
//
// layer_norm: x is [rows, cols] contiguous, normalised over cols (the Java side flattens
//   the normalised trailing shape into cols). Per row: mean, biased variance,
//   rstd = 1/sqrt(var + eps); y = (x - mean) * rstd * w + b. w and b ([cols]) may be
//   NULL (treated as 1 and 0). mean and rstd ([rows]) are saved for backward.
//   Backward with xhat = (x - mean) * rstd, g = gy * w:
//     gx = rstd * (g - mean_j(g) - xhat * mean_j(g * xhat))
//     gw[j] = sum_rows gy * xhat,  gb[j] = sum_rows gy   (separate column-reduction
//     kernel: deterministic, no atomics).
// batch_norm: x is [N, C, S] contiguous (S = H*W, or 1 for [N, C]); statistics are per
//   channel over N*S values. Training: biased variance for normalisation, running
//   stats updated as running = (1 - momentum) * running + momentum * batch with the
//   UNBIASED variance (PyTorch). Inference uses running_mean / running_var.
//   Backward (training mode), M = N*S:
//     gx = w * invstd * (gy - sum(gy)/M - xhat * sum(gy*xhat)/M),
//     gw[c] = sum(gy * xhat), gb[c] = sum(gy).
//
// Numerics: two-pass mean/variance (no E[x^2] - E[x]^2 cancellation), accumulated in
// the kernel dtype; block sums in a fixed order, so results are deterministic.

#include "common.cuh"

template <typename T>
__device__ void layer_norm_fwd(const T* __restrict__ x, const T* __restrict__ w, const T* __restrict__ b,
                               T* __restrict__ y, T* __restrict__ mean, T* __restrict__ rstd,
                               long long rows, long long cols, T eps) {
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * cols;
        T* yr = y + row * cols;
        T s = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) s += xr[c];
        T mu = block_sum(s) / T(cols);
        T q = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) { T d = xr[c] - mu; q += d * d; }
        T r = m_rsqrt(block_sum(q) / T(cols) + eps);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            T v = (xr[c] - mu) * r;
            if (w) v *= w[c];
            if (b) v += b[c];
            yr[c] = v;
        }
        if (threadIdx.x == 0) { mean[row] = mu; rstd[row] = r; }
    }
}

template <typename T>
__device__ void layer_norm_bwd(const T* __restrict__ x, const T* __restrict__ gy, const T* __restrict__ w,
                               const T* __restrict__ mean, const T* __restrict__ rstd, T* __restrict__ gx,
                               long long rows, long long cols) {
    for (long long row = blockIdx.x; row < rows; row += gridDim.x) {
        const T* xr = x + row * cols;
        const T* gr = gy + row * cols;
        T* out = gx + row * cols;
        T mu = mean[row], r = rstd[row];
        T sg = T(0), sgx = T(0);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            T g = w ? gr[c] * w[c] : gr[c];
            sg += g;
            sgx += g * (xr[c] - mu) * r;
        }
        T mg = block_sum(sg) / T(cols);
        T mgx = block_sum(sgx) / T(cols);
        for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
            T g = w ? gr[c] * w[c] : gr[c];
            T xhat = (xr[c] - mu) * r;
            out[c] = r * (g - mg - xhat * mgx);
        }
    }
}

// gw[j] = sum_rows gy*xhat, gb[j] = sum_rows gy. Block = 32-column tile, warps stride rows.
template <typename T>
__device__ void layer_norm_param_bwd(const T* __restrict__ x, const T* __restrict__ gy,
                                     const T* __restrict__ mean, const T* __restrict__ rstd,
                                     T* __restrict__ gw, T* __restrict__ gb, long long rows, long long cols) {
    __shared__ T sw[32][33];
    __shared__ T sb[32][33];
    int lane = threadIdx.x & 31, wp = threadIdx.x >> 5, nw = blockDim.x >> 5;
    long long tiles = (cols + 31) / 32;
    for (long long t = blockIdx.x; t < tiles; t += gridDim.x) {
        long long c = t * 32 + lane;
        T aw = T(0), ab = T(0);
        if (c < cols) {
            for (long long r = wp; r < rows; r += nw) {
                T g = gy[r * cols + c];
                aw += g * (x[r * cols + c] - mean[r]) * rstd[r];
                ab += g;
            }
        }
        __syncthreads();
        sw[wp][lane] = aw;
        sb[wp][lane] = ab;
        __syncthreads();
        if (wp == 0 && c < cols) {
            for (int k = 1; k < nw; ++k) { aw += sw[k][lane]; ab += sb[k][lane]; }
            if (gw) gw[c] = aw;
            if (gb) gb[c] = ab;
        }
    }
}

template <typename T>
__device__ void batch_norm_train(const T* __restrict__ x, const T* __restrict__ w, const T* __restrict__ b,
                                 T* __restrict__ y, T* __restrict__ mean, T* __restrict__ invstd,
                                 T* __restrict__ running_mean, T* __restrict__ running_var,
                                 long long N, long long C, long long S, T eps, T momentum) {
    long long M = N * S;
    for (long long c = blockIdx.x; c < C; c += gridDim.x) {
        T s = T(0);
        for (long long k = threadIdx.x; k < M; k += blockDim.x) {
            long long n = k / S;
            s += x[(n * C + c) * S + (k - n * S)];
        }
        T mu = block_sum(s) / T(M);
        T q = T(0);
        for (long long k = threadIdx.x; k < M; k += blockDim.x) {
            long long n = k / S;
            T d = x[(n * C + c) * S + (k - n * S)] - mu;
            q += d * d;
        }
        T var = block_sum(q) / T(M);
        T is = m_rsqrt(var + eps);
        T scale = w ? w[c] * is : is;
        T shift = (b ? b[c] : T(0)) - mu * scale;
        for (long long k = threadIdx.x; k < M; k += blockDim.x) {
            long long n = k / S;
            long long i = (n * C + c) * S + (k - n * S);
            y[i] = x[i] * scale + shift;
        }
        if (threadIdx.x == 0) {
            mean[c] = mu;
            invstd[c] = is;
            if (running_mean) running_mean[c] = (T(1) - momentum) * running_mean[c] + momentum * mu;
            if (running_var) {
                T unbiased = M > 1 ? var * T(M) / T(M - 1) : var;
                running_var[c] = (T(1) - momentum) * running_var[c] + momentum * unbiased;
            }
        }
    }
}

template <typename T>
__device__ void batch_norm_bwd(const T* __restrict__ x, const T* __restrict__ gy, const T* __restrict__ w,
                               const T* __restrict__ mean, const T* __restrict__ invstd, T* __restrict__ gx,
                               T* __restrict__ gw, T* __restrict__ gb, long long N, long long C, long long S) {
    long long M = N * S;
    for (long long c = blockIdx.x; c < C; c += gridDim.x) {
        T mu = mean[c], is = invstd[c];
        T sg = T(0), sgx = T(0);
        for (long long k = threadIdx.x; k < M; k += blockDim.x) {
            long long n = k / S;
            long long i = (n * C + c) * S + (k - n * S);
            sg += gy[i];
            sgx += gy[i] * (x[i] - mu) * is;
        }
        sg = block_sum(sg);
        sgx = block_sum(sgx);
        if (gx) {
            T wc = w ? w[c] : T(1);
            T mg = sg / T(M), mgx = sgx / T(M);
            for (long long k = threadIdx.x; k < M; k += blockDim.x) {
                long long n = k / S;
                long long i = (n * C + c) * S + (k - n * S);
                T xhat = (x[i] - mu) * is;
                gx[i] = wc * is * (gy[i] - mg - xhat * mgx);
            }
        }
        if (threadIdx.x == 0) {
            if (gw) gw[c] = sgx;
            if (gb) gb[c] = sg;
        }
    }
}

#define NORM_KERNELS(T, SUF)                                                                       \
    extern "C" __global__ void layer_norm_##SUF(const T* x, const T* w, const T* b, T* y, T* mean, \
                                                T* rstd, long long rows, long long cols, T eps) {  \
        layer_norm_fwd<T>(x, w, b, y, mean, rstd, rows, cols, eps);                                \
    }                                                                                              \
    extern "C" __global__ void layer_norm_backward_##SUF(const T* x, const T* gy, const T* w,      \
                                                         const T* mean, const T* rstd, T* gx,      \
                                                         long long rows, long long cols) {         \
        layer_norm_bwd<T>(x, gy, w, mean, rstd, gx, rows, cols);                                   \
    }                                                                                              \
    extern "C" __global__ void layer_norm_param_backward_##SUF(const T* x, const T* gy,            \
                                                               const T* mean, const T* rstd,       \
                                                               T* gw, T* gb, long long rows,       \
                                                               long long cols) {                   \
        layer_norm_param_bwd<T>(x, gy, mean, rstd, gw, gb, rows, cols);                            \
    }                                                                                              \
    extern "C" __global__ void batch_norm_##SUF(const T* x, const T* w, const T* b, T* y, T* mean, \
                                                T* invstd, T* running_mean, T* running_var,        \
                                                long long N, long long C, long long S, T eps,      \
                                                T momentum) {                                      \
        batch_norm_train<T>(x, w, b, y, mean, invstd, running_mean, running_var, N, C, S, eps,     \
                            momentum);                                                             \
    }                                                                                              \
    extern "C" __global__ void batch_norm_inference_##SUF(const T* __restrict__ x,                 \
                                                          const T* __restrict__ running_mean,      \
                                                          const T* __restrict__ running_var,       \
                                                          const T* __restrict__ w,                 \
                                                          const T* __restrict__ b,                 \
                                                          T* __restrict__ y, long long N,          \
                                                          long long C, long long S, T eps) {       \
        long long total = N * C * S;                                                               \
        for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < total;            \
             i += (long long)blockDim.x * gridDim.x) {                                             \
            long long c = (i / S) % C;                                                             \
            T v = (x[i] - running_mean[c]) * m_rsqrt(running_var[c] + eps);                        \
            if (w) v *= w[c];                                                                      \
            if (b) v += b[c];                                                                      \
            y[i] = v;                                                                              \
        }                                                                                          \
    }                                                                                              \
    extern "C" __global__ void batch_norm_backward_##SUF(const T* x, const T* gy, const T* w,      \
                                                         const T* mean, const T* invstd, T* gx,    \
                                                         T* gw, T* gb, long long N, long long C,   \
                                                         long long S) {                            \
        batch_norm_bwd<T>(x, gy, w, mean, invstd, gx, gw, gb, N, C, S);                            \
    }

NORM_KERNELS(float, f32)
NORM_KERNELS(double, f64)

/* ---- launch notes ----------------------------------------------------------------------
 * Pointers documented "nullable" may be 0 (CUdeviceptr 0 / null Pointer).
 * layer_norm_<dt>(x, w?, b?, y, mean, rstd, long long rows, long long cols, T eps)
 *   block 256, grid min(rows, 65535). mean, rstd: [rows].
 * layer_norm_backward_<dt>(x, gy, w?, mean, rstd, gx, long long rows, long long cols)
 *   block 256, grid min(rows, 65535). Writes gx only.
 * layer_norm_param_backward_<dt>(x, gy, mean, rstd, gw?, gb?, long long rows, long long cols)
 *   block 256 (multiple of 32, <= 1024), grid min(ceil(cols/32), 65535). OVERWRITES gw, gb.
 * batch_norm_<dt>(x, w?, b?, y, mean, invstd, running_mean?, running_var?,
 *                 long long N, long long C, long long S, T eps, T momentum)
 *   training forward; block 512 (multiple of 32), grid min(C, 65535). Writes y and the
 *   per-channel batch mean / invstd [C]; updates running stats in place when non-null.
 * batch_norm_inference_<dt>(x, running_mean, running_var, w?, b?, y, N, C, S, T eps)
 *   elementwise: block 256, grid min(ceil(N*C*S/256), 65535*8).
 * batch_norm_backward_<dt>(x, gy, w?, mean, invstd, gx?, gw?, gb?, N, C, S)
 *   training-mode backward; block 512, grid min(C, 65535). OVERWRITES gw, gb.
 * All shared memory is static (<= 8.5 KiB f64). Block sizes must be multiples of 32.
 * Outputs must not alias inputs.
 * --------------------------------------------------------------------------------------- */

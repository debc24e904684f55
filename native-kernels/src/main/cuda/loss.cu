// loss.cu — per-element / per-row losses and their gradients. Reductions to a scalar
// (mean over valid rows, sum) are done by the Java side with reduce.cu, which keeps
// every reduction mode on one code path.
//
// cross_entropy: logits [N, C] contiguous, labels int64 [N]. Per row, with
//   lse = logsumexp(x) and smoothing eps (PyTorch label_smoothing):
//     loss = lse - (1 - eps) * x[y] - (eps / C) * sum_c x[c]
//   (= (1-eps) * -log p_y + eps * mean_c(-log p_c)). Rows with label == ignore_index
//   get loss 0 (lse is still written); a label outside [0, C) gives loss NaN so the bug
//   is visible. Backward takes the upstream gradient PER ROW (gloss [N]), so 'mean'
//   is gloss = 1/valid_count, 'sum' is 1, 'none' is the incoming gradient:
//     glogits[c] = gloss * (exp(x[c] - lse) - (1 - eps) * [c == y] - eps / C), 0 if ignored.
// Elementwise helpers (no reduction), out[i] from pred/input and target:
//   mse:             (p - t)^2,                grad 2 (p - t) gy
//   l1:              |p - t|,                  grad sign(p - t) gy (0 at 0)
//   bce_with_logits: max(x,0) - x t + log1p(exp(-|x|)),   grad (sigmoid(x) - t) gy
//   (the gradients are with respect to pred/x; the target gradient is its negation
//   for mse/l1, and -x * gy for bce, if ever needed).
//
// Numerics: stable log-sum-exp (online max and scaled sum); kernel dtype throughout.

#include "common.cuh"

template <typename T>
__device__ void ce_forward(const T* __restrict__ logits, const long long* __restrict__ labels, T* __restrict__ loss,
                           T* __restrict__ lse, long long N, long long C, long long ignore_index, T smoothing) {
    for (long long row = blockIdx.x; row < N; row += gridDim.x) {
        const T* x = logits + row * C;
        MaxSum<T> acc = maxsum_identity<T>();
        T sx = T(0);
        for (long long c = threadIdx.x; c < C; c += blockDim.x) {
            T v = x[c];
            acc = MaxSumOp<T>::combine(acc, maxsum_of(v));
            sx += v;
        }
        acc = block_allreduce<MaxSumOp<T> >(acc);
        sx = block_sum(sx);
        if (threadIdx.x == 0) {
            T l = maxsum_log(acc);
            lse[row] = l;
            long long y = labels[row];
            T out;
            if (y == ignore_index) out = T(0);
            else if (y < 0 || y >= C) out = m_nan<T>();
            else out = l - (T(1) - smoothing) * x[y] - smoothing / T(C) * sx;
            loss[row] = out;
        }
    }
}

template <typename T>
__device__ void ce_backward(const T* __restrict__ logits, const long long* __restrict__ labels,
                            const T* __restrict__ lse, const T* __restrict__ gloss, T* __restrict__ glogits,
                            long long N, long long C, long long ignore_index, T smoothing) {
    NABLA_GRID_STRIDE(i, N * C) {
        long long row = i / C, c = i - row * C;
        long long y = labels[row];
        T g = T(0);
        if (y != ignore_index) {
            T p = m_exp(logits[i] - lse[row]);
            T target = (c == y ? T(1) - smoothing : T(0)) + smoothing / T(C);
            g = gloss[row] * (p - target);
        }
        glogits[i] = g;
    }
}

#define LOSS_KERNELS(T, SUF)                                                                          \
    extern "C" __global__ void cross_entropy_##SUF(const T* logits, const long long* labels, T* loss, \
                                                   T* lse, long long N, long long C,                  \
                                                   long long ignore_index, T label_smoothing) {       \
        ce_forward<T>(logits, labels, loss, lse, N, C, ignore_index, label_smoothing);                \
    }                                                                                                 \
    extern "C" __global__ void cross_entropy_backward_##SUF(const T* logits, const long long* labels, \
                                                            const T* lse, const T* gloss,             \
                                                            T* glogits, long long N, long long C,     \
                                                            long long ignore_index,                   \
                                                            T label_smoothing) {                      \
        ce_backward<T>(logits, labels, lse, gloss, glogits, N, C, ignore_index, label_smoothing);     \
    }                                                                                                 \
    extern "C" __global__ void mse_loss_##SUF(const T* __restrict__ p, const T* __restrict__ t,       \
                                              T* __restrict__ out, long long n) {                     \
        NABLA_GRID_STRIDE(i, n) { T d = p[i] - t[i]; out[i] = d * d; }                                \
    }                                                                                                 \
    extern "C" __global__ void mse_loss_backward_##SUF(const T* __restrict__ p, const T* __restrict__ t, \
                                                       const T* __restrict__ gy, T* __restrict__ gp,  \
                                                       long long n) {                                 \
        NABLA_GRID_STRIDE(i, n) gp[i] = T(2) * (p[i] - t[i]) * gy[i];                                 \
    }                                                                                                 \
    extern "C" __global__ void l1_loss_##SUF(const T* __restrict__ p, const T* __restrict__ t,        \
                                             T* __restrict__ out, long long n) {                      \
        NABLA_GRID_STRIDE(i, n) out[i] = m_abs(p[i] - t[i]);                                          \
    }                                                                                                 \
    extern "C" __global__ void l1_loss_backward_##SUF(const T* __restrict__ p, const T* __restrict__ t, \
                                                      const T* __restrict__ gy, T* __restrict__ gp,   \
                                                      long long n) {                                  \
        NABLA_GRID_STRIDE(i, n) {                                                                     \
            T d = p[i] - t[i];                                                                        \
            gp[i] = (d > T(0) ? T(1) : (d < T(0) ? T(-1) : T(0))) * gy[i];                            \
        }                                                                                             \
    }                                                                                                 \
    extern "C" __global__ void bce_with_logits_##SUF(const T* __restrict__ x, const T* __restrict__ t, \
                                                     T* __restrict__ out, long long n) {              \
        NABLA_GRID_STRIDE(i, n) {                                                                     \
            T v = x[i];                                                                               \
            out[i] = (v > T(0) ? v : T(0)) - v * t[i] + m_log1p(m_exp(-m_abs(v)));                     \
        }                                                                                             \
    }                                                                                                 \
    extern "C" __global__ void bce_with_logits_backward_##SUF(const T* __restrict__ x,                \
                                                              const T* __restrict__ t,                \
                                                              const T* __restrict__ gy,               \
                                                              T* __restrict__ gx, long long n) {      \
        NABLA_GRID_STRIDE(i, n) gx[i] = (T(1) / (T(1) + m_exp(-x[i])) - t[i]) * gy[i];                \
    }

LOSS_KERNELS(float, f32)
LOSS_KERNELS(double, f64)

/* ---- launch notes ----------------------------------------------------------------------
 * cross_entropy_<dt>(const T* logits, const long long* labels, T* loss, T* lse,
 *                    long long N, long long C, long long ignore_index, T label_smoothing)
 *   block 256 (multiple of 32), grid min(N, 65535). loss, lse: [N].
 * cross_entropy_backward_<dt>(const T* logits, const long long* labels, const T* lse,
 *                             const T* gloss, T* glogits, long long N, long long C,
 *                             long long ignore_index, T label_smoothing)
 *   elementwise over N*C: block 256, grid min(ceil(N*C/256), 65535*8). Overwrites glogits.
 * mse_loss_<dt>(p, t, out, long long n)           mse_loss_backward_<dt>(p, t, gy, gp, n)
 * l1_loss_<dt>(p, t, out, n)                      l1_loss_backward_<dt>(p, t, gy, gp, n)
 * bce_with_logits_<dt>(x, t, out, n)              bce_with_logits_backward_<dt>(x, t, gy, gx, n)
 *   elementwise, block 256, any grid. Same-shape operands (broadcast targets first with
 *   strided_copy). Shared memory: static, < 1 KiB.
 * --------------------------------------------------------------------------------------- */

// optim.cu — fused, in-place optimiser steps over one contiguous parameter buffer and
// its gradient and state buffers (same length n). Formulas follow torch.optim exactly
// (default flags: maximize = False, amsgrad = False); step-dependent scalars (bias
// corrections, decayed learning rates) are computed once on the host and passed in.
//
// sgd:     g = grad + wd * p
//          if momentum != 0: buf = first_step ? g : momentum * buf + (1 - dampening) * g
//                            g = nesterov ? g + momentum * buf : buf
//          p -= lr * g
// adam:    decoupled (AdamW): p *= 1 - lr * wd;   otherwise g = grad + wd * p
//          m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//          p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps),  bc_k = 1 - b_k^step
// adagrad: g = grad + wd * p;  sum += g^2;  p -= clr * g / (sqrt(sum) + eps),
//          clr = lr / (1 + (step - 1) * lr_decay) (host)
// rmsprop: g = grad + wd * p;  sq = alpha sq + (1 - alpha) g^2
//          centered: ga = alpha ga + (1 - alpha) g;  avg = sqrt(sq - ga^2) + eps
//          else avg = sqrt(sq) + eps
//          momentum > 0: buf = momentum buf + g / avg;  p -= lr * buf
//          else p -= lr * g / avg
// Numerics: kernel dtype throughout (f32 state for f32 params).

#include "common.cuh"

#define OPTIM_KERNELS(T, SUF)                                                                        \
    extern "C" __global__ void sgd_##SUF(T* param, const T* grad, T* momentum_buf, long long n,      \
                                         T lr, T momentum, T dampening, T weight_decay,             \
                                         int nesterov, int first_step) {                            \
        NABLA_GRID_STRIDE(i, n) {                                                                    \
            T p = param[i];                                                                          \
            T g = grad[i] + weight_decay * p;                                                        \
            if (momentum != T(0)) {                                                                  \
                T buf = first_step ? g : momentum * momentum_buf[i] + (T(1) - dampening) * g;        \
                momentum_buf[i] = buf;                                                               \
                g = nesterov ? g + momentum * buf : buf;                                             \
            }                                                                                        \
            param[i] = p - lr * g;                                                                   \
        }                                                                                            \
    }                                                                                                \
    extern "C" __global__ void adam_##SUF(T* param, const T* grad, T* exp_avg, T* exp_avg_sq,        \
                                          long long n, T lr, T beta1, T beta2, T eps,               \
                                          T weight_decay, T bias_correction1,                       \
                                          T bias_correction2, int decoupled_weight_decay) {         \
        const T step_size = lr / bias_correction1;                                                   \
        const T bc2_sqrt = m_sqrt(bias_correction2);                                                 \
        NABLA_GRID_STRIDE(i, n) {                                                                    \
            T p = param[i];                                                                          \
            T g = grad[i];                                                                           \
            if (decoupled_weight_decay) p *= T(1) - lr * weight_decay;                               \
            else g += weight_decay * p;                                                              \
            T m = beta1 * exp_avg[i] + (T(1) - beta1) * g;                                           \
            T v = beta2 * exp_avg_sq[i] + (T(1) - beta2) * g * g;                                    \
            exp_avg[i] = m;                                                                          \
            exp_avg_sq[i] = v;                                                                       \
            param[i] = p - step_size * m / (m_sqrt(v) / bc2_sqrt + eps);                             \
        }                                                                                            \
    }                                                                                                \
    extern "C" __global__ void adagrad_##SUF(T* param, const T* grad, T* state_sum, long long n,     \
                                             T clr, T weight_decay, T eps) {                         \
        NABLA_GRID_STRIDE(i, n) {                                                                    \
            T p = param[i];                                                                          \
            T g = grad[i] + weight_decay * p;                                                        \
            T s = state_sum[i] + g * g;                                                              \
            state_sum[i] = s;                                                                        \
            param[i] = p - clr * g / (m_sqrt(s) + eps);                                              \
        }                                                                                            \
    }                                                                                                \
    extern "C" __global__ void rmsprop_##SUF(T* param, const T* grad, T* square_avg,                \
                                             T* momentum_buf, T* grad_avg, long long n, T lr,        \
                                             T alpha, T eps, T weight_decay, T momentum,             \
                                             int centered) {                                         \
        NABLA_GRID_STRIDE(i, n) {                                                                    \
            T p = param[i];                                                                          \
            T g = grad[i] + weight_decay * p;                                                        \
            T sq = alpha * square_avg[i] + (T(1) - alpha) * g * g;                                   \
            square_avg[i] = sq;                                                                      \
            T avg;                                                                                   \
            if (centered) {                                                                          \
                T ga = alpha * grad_avg[i] + (T(1) - alpha) * g;                                     \
                grad_avg[i] = ga;                                                                    \
                avg = m_sqrt(sq - ga * ga) + eps;                                                    \
            } else {                                                                                 \
                avg = m_sqrt(sq) + eps;                                                              \
            }                                                                                        \
            if (momentum > T(0)) {                                                                   \
                T buf = momentum * momentum_buf[i] + g / avg;                                        \
                momentum_buf[i] = buf;                                                               \
                param[i] = p - lr * buf;                                                             \
            } else {                                                                                 \
                param[i] = p - lr * g / avg;                                                         \
            }                                                                                        \
        }                                                                                            \
    }

OPTIM_KERNELS(float, f32)
OPTIM_KERNELS(double, f64)

/* ---- launch notes ----------------------------------------------------------------------
 * All: 1-D grid-stride, block 256, grid min(ceil(n/256), 65535*8); no shared memory.
 * sgd_<dt>(T* param, const T* grad, T* momentum_buf?, long long n, T lr, T momentum,
 *          T dampening, T weight_decay, int nesterov, int first_step)
 *   momentum_buf may be null iff momentum == 0. first_step = 1 on the first step that
 *   has a momentum buffer (PyTorch initialises buf = g).
 * adam_<dt>(T* param, const T* grad, T* exp_avg, T* exp_avg_sq, long long n, T lr,
 *           T beta1, T beta2, T eps, T weight_decay, T bias_correction1,
 *           T bias_correction2, int decoupled_weight_decay)
 *   bias_correction_k = 1 - beta_k^step (step counted from 1); decoupled = 1 is AdamW.
 * adagrad_<dt>(T* param, const T* grad, T* state_sum, long long n, T clr, T weight_decay,
 *              T eps)
 * rmsprop_<dt>(T* param, const T* grad, T* square_avg, T* momentum_buf?, T* grad_avg?,
 *              long long n, T lr, T alpha, T eps, T weight_decay, T momentum, int centered)
 *   momentum_buf may be null iff momentum == 0; grad_avg may be null iff centered == 0.
 * The gradient buffer is read only; param and state are updated in place.
 * --------------------------------------------------------------------------------------- */

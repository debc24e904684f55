// elementwise.cu — pointwise kernels: unary ops and their backward, broadcasting
// binary ops and comparisons, where, fill, strided gather/scatter copies, casts.
//
// Layout: every buffer is contiguous row-major unless a kernel takes an NdLayout.
// Broadcasting and views are described by NdLayout, passed BY VALUE as a kernel
// argument (256 bytes; from Java a long[32]):
//   [0..8)   shape   of the (contiguous) output, outermost first; entries >= rank unused
//   [8..16)  strides of operand 0, in elements (0 on broadcast dims)
//   [16..24) strides of operand 1
//   [24..32) strides of operand 2
// Output element i is decomposed into an index with `shape` (last dim fastest) and
// each operand is read at sum(index[d] * stride[d]).
//
// Numerics: f32 kernels compute in float, f64 in double, with the precise (non fast-
// math) CUDA functions. NaN propagates as in PyTorch: relu, clamp, maximum and
// minimum return NaN for a NaN input. Integer kernels wrap on overflow.
//
// All kernels are grid-stride loops over a 64-bit element count, so any grid works.

#include "common.cuh"

#define NABLA_MAX_RANK 8

typedef long long i64;  // one-token name, so macros can write T(0) for every type

struct NdLayout {
    long long shape[NABLA_MAX_RANK];
    long long stride[3][NABLA_MAX_RANK];
};

// Decomposes the flat output index into per-operand element offsets.
template <int OPERANDS>
__device__ __forceinline__ void nd_offsets(long long i, int rank, const NdLayout& L, long long* off) {
#pragma unroll
    for (int k = 0; k < OPERANDS; ++k) off[k] = 0;
#pragma unroll
    for (int d = NABLA_MAX_RANK - 1; d >= 0; --d) {
        if (d < rank) {
            long long s = L.shape[d];
            long long q = i / s;
            long long idx = i - q * s;
            i = q;
#pragma unroll
            for (int k = 0; k < OPERANDS; ++k) off[k] += idx * L.stride[k][d];
        }
    }
}

// ---- unary ops: f(x, a, b) and df/dx(x, a, b) ----
#define UNARY_OP(NAME, FWD, BWD)                                                        \
    struct Op_##NAME {                                                                  \
        template <typename T> __device__ __forceinline__ static T f(T x, T a, T b) {    \
            (void)a; (void)b; FWD;                                                      \
        }                                                                               \
        template <typename T> __device__ __forceinline__ static T df(T x, T a, T b) {   \
            (void)a; (void)b; BWD;                                                      \
        }                                                                               \
    };

UNARY_OP(neg, return -x, return T(-1))
UNARY_OP(abs, return m_abs(x), return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0)))
UNARY_OP(exp, return m_exp(x), return m_exp(x))
UNARY_OP(log, return m_log(x), return T(1) / x)
UNARY_OP(sqrt, return m_sqrt(x), return T(0.5) / m_sqrt(x))
UNARY_OP(rsqrt, return m_rsqrt(x), return T(-0.5) * m_rsqrt(x) / x)
UNARY_OP(square, return x * x, return T(2) * x)
// a = exponent; d/dx x^0 is 0 everywhere (PyTorch convention, also at x = 0)
UNARY_OP(pow_scalar, return m_pow(x, a), return a == T(0) ? T(0) : a * m_pow(x, a - T(1)))
UNARY_OP(sin, return m_sin(x), return m_cos(x))
UNARY_OP(cos, return m_cos(x), return -m_sin(x))
UNARY_OP(tanh, return m_tanh(x), T t = m_tanh(x); return T(1) - t * t)
UNARY_OP(sigmoid, return T(1) / (T(1) + m_exp(-x)), T s = T(1) / (T(1) + m_exp(-x)); return s * (T(1) - s))
// `x <= 0 ? 0 : x` keeps NaN, like torch.relu, and maps -0 to +0 like the CPU backend;
// the gradient at 0 is 0
UNARY_OP(relu, return x <= T(0) ? T(0) : x, return x > T(0) ? T(1) : T(0))
// a = negative slope
UNARY_OP(leaky_relu, return x > T(0) ? x : a * x, return x > T(0) ? T(1) : a)
// 0.5 x (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2/pi)
UNARY_OP(gelu_tanh,
         T k = T(0.7978845608028654); T u = k * (x + T(0.044715) * x * x * x);
         return T(0.5) * x * (T(1) + m_tanh(u)),
         T k = T(0.7978845608028654); T u = k * (x + T(0.044715) * x * x * x); T t = m_tanh(u);
         return T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * k * (T(1) + T(3) * T(0.044715) * x * x))
// x Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2 (as the CPU backend): 1 + erf(x / sqrt 2)
// would cancel to 0 in the left tail (x < -5 in float), erfc keeps full relative accuracy
// there; derivative Phi(x) + x phi(x)
UNARY_OP(gelu_erf,
         return T(0.5) * x * m_erfc(x * T(-0.7071067811865476)),
         return T(0.5) * m_erfc(x * T(-0.7071067811865476)) +
                x * T(0.3989422804014327) * m_exp(T(-0.5) * x * x))
// relu6(x + 3) / 6; gradient 1/6 strictly inside (-3, 3), as PyTorch
UNARY_OP(hard_sigmoid,
         T r = x + T(3); r = r < T(0) ? T(0) : (r > T(6) ? T(6) : r); return r / T(6),
         return (x > T(-3) && x < T(3)) ? T(1) / T(6) : T(0))
// a = min, b = max, as the CPU backend and torch.clamp: min then max, so b wins when
// a > b; a NaN bound is "no bound" (every comparison with it is false); NaN x passes
// through. Gradient: gy unless x is clamped (x < a or x > b), so 1 on the closed interval.
UNARY_OP(clamp, T v = x < a ? a : x; return v > b ? b : v, return (x < a || x > b) ? T(0) : T(1))
// a * x + b: scalar add / scale without a broadcast operand
UNARY_OP(affine, return a * x + b, return a)

#define UNARY_KERNELS(NAME, T, SUF)                                                              \
    extern "C" __global__ void NAME##_##SUF(const T* x, T* y,          \
                                            long long n, T a, T b) {                             \
        NABLA_GRID_STRIDE(i, n) y[i] = Op_##NAME::f<T>(x[i], a, b);                              \
    }                                                                                            \
    extern "C" __global__ void NAME##_backward_##SUF(const T* x,                    \
                                                     const T* gy,                   \
                                                     T* gx, long long n, T a, T b) { \
        NABLA_GRID_STRIDE(i, n) gx[i] = gy[i] * Op_##NAME::df<T>(x[i], a, b);                    \
    }

#define UNARY_ALL(T, SUF)                                                             \
    UNARY_KERNELS(neg, T, SUF) UNARY_KERNELS(abs, T, SUF) UNARY_KERNELS(exp, T, SUF)   \
    UNARY_KERNELS(log, T, SUF) UNARY_KERNELS(sqrt, T, SUF) UNARY_KERNELS(rsqrt, T, SUF) \
    UNARY_KERNELS(square, T, SUF) UNARY_KERNELS(pow_scalar, T, SUF)                   \
    UNARY_KERNELS(sin, T, SUF) UNARY_KERNELS(cos, T, SUF) UNARY_KERNELS(tanh, T, SUF)  \
    UNARY_KERNELS(sigmoid, T, SUF) UNARY_KERNELS(relu, T, SUF)                        \
    UNARY_KERNELS(leaky_relu, T, SUF) UNARY_KERNELS(gelu_tanh, T, SUF)                \
    UNARY_KERNELS(gelu_erf, T, SUF) UNARY_KERNELS(hard_sigmoid, T, SUF)               \
    UNARY_KERNELS(clamp, T, SUF) UNARY_KERNELS(affine, T, SUF)

UNARY_ALL(float, f32)
UNARY_ALL(double, f64)

// ---- binary ops with broadcasting ----
// No __restrict__: out may be the same buffer as a or b (in-place a op= b) as long as
// that operand is read with out's own (non-broadcast) strides; each element is then read
// and written by the same thread, in that order.
#define BINARY_OP(NAME, EXPR) \
    struct Bin_##NAME { template <typename T> __device__ __forceinline__ static T f(T a, T b) { EXPR; } };

BINARY_OP(add, return a + b)
BINARY_OP(sub, return a - b)
BINARY_OP(mul, return a * b)
BINARY_OP(div, return a / b)
// NaN in either operand wins (self-comparison is false only for NaN)
BINARY_OP(maximum, return (a != a || a > b) ? a : b)
BINARY_OP(minimum, return (a != a || a < b) ? a : b)
BINARY_OP(pow, return m_pow(a, b))
BINARY_OP(eq, return a == b ? T(1) : T(0))
BINARY_OP(ne, return a != b ? T(1) : T(0))
BINARY_OP(lt, return a < b ? T(1) : T(0))
BINARY_OP(le, return a <= b ? T(1) : T(0))
BINARY_OP(gt, return a > b ? T(1) : T(0))
BINARY_OP(ge, return a >= b ? T(1) : T(0))

#define BINARY_KERNEL(NAME, T, SUF)                                                          \
    extern "C" __global__ void NAME##_##SUF(const T* a, const T* b, T* out, long long n,     \
                                            int rank, NdLayout L) {                          \
        NABLA_GRID_STRIDE(i, n) {                                                            \
            long long off[2];                                                                \
            nd_offsets<2>(i, rank, L, off);                                                  \
            out[i] = Bin_##NAME::f<T>(a[off[0]], b[off[1]]);                                 \
        }                                                                                    \
    }

#define BINARY_COMMON(T, SUF)                                                               \
    BINARY_KERNEL(add, T, SUF) BINARY_KERNEL(sub, T, SUF) BINARY_KERNEL(mul, T, SUF)         \
    BINARY_KERNEL(maximum, T, SUF) BINARY_KERNEL(minimum, T, SUF)                           \
    BINARY_KERNEL(eq, T, SUF) BINARY_KERNEL(ne, T, SUF) BINARY_KERNEL(lt, T, SUF)           \
    BINARY_KERNEL(le, T, SUF) BINARY_KERNEL(gt, T, SUF) BINARY_KERNEL(ge, T, SUF)

BINARY_COMMON(float, f32)
BINARY_COMMON(double, f64)
BINARY_COMMON(int, i32)
BINARY_COMMON(i64, i64)
BINARY_KERNEL(div, float, f32)
BINARY_KERNEL(div, double, f64)
BINARY_KERNEL(pow, float, f32)
BINARY_KERNEL(pow, double, f64)

// ---- where, fill, strided copies ----
#define DATA_KERNELS(T, SUF)                                                                   \
    /* out = cond != 0 ? a : b; operands 0, 1, 2 of L are cond, a, b */                        \
    extern "C" __global__ void where_##SUF(const T* cond, const T* a, const T* b, T* out,     \
                                           long long n, int rank, NdLayout L) {                \
        NABLA_GRID_STRIDE(i, n) {                                                              \
            long long off[3];                                                                  \
            nd_offsets<3>(i, rank, L, off);                                                    \
            out[i] = cond[off[0]] != T(0) ? a[off[1]] : b[off[2]];                             \
        }                                                                                      \
    }                                                                                          \
    extern "C" __global__ void fill_##SUF(T* __restrict__ out, long long n, T value) {         \
        NABLA_GRID_STRIDE(i, n) out[i] = value;                                                \
    }                                                                                          \
    /* out[i] = src[src_offset + index(i) . stride0]: permute, expand, slice, pad-read */      \
    extern "C" __global__ void strided_copy_##SUF(const T* __restrict__ src, T* __restrict__ out, \
                                                  long long n, int rank, long long src_offset, \
                                                  NdLayout L) {                                \
        NABLA_GRID_STRIDE(i, n) {                                                              \
            long long off[1];                                                                  \
            nd_offsets<1>(i, rank, L, off);                                                    \
            out[i] = src[src_offset + off[0]];                                                 \
        }                                                                                      \
    }                                                                                          \
    /* dst[dst_offset + index(i) . stride0] = src[i]: concat, pad, slice assignment */         \
    extern "C" __global__ void strided_write_##SUF(const T* __restrict__ src, T* __restrict__ dst, \
                                                   long long n, int rank, long long dst_offset, \
                                                   NdLayout L) {                               \
        NABLA_GRID_STRIDE(i, n) {                                                              \
            long long off[1];                                                                  \
            nd_offsets<1>(i, rank, L, off);                                                    \
            dst[dst_offset + off[0]] = src[i];                                                 \
        }                                                                                      \
    }

DATA_KERNELS(float, f32)
DATA_KERNELS(double, f64)
DATA_KERNELS(int, i32)
DATA_KERNELS(i64, i64)

// ---- casts: C conversion semantics (float -> int truncates toward zero, saturating) ----
#define CAST_KERNEL(S, SS, D, DS)                                                            \
    extern "C" __global__ void cast_##SS##_to_##DS(const S* __restrict__ x, D* __restrict__ y, \
                                                   long long n) {                            \
        NABLA_GRID_STRIDE(i, n) y[i] = (D)x[i];                                              \
    }

CAST_KERNEL(float, f32, double, f64)
CAST_KERNEL(float, f32, int, i32)
CAST_KERNEL(float, f32, i64, i64)
CAST_KERNEL(double, f64, float, f32)
CAST_KERNEL(double, f64, int, i32)
CAST_KERNEL(double, f64, i64, i64)
CAST_KERNEL(int, i32, float, f32)
CAST_KERNEL(int, i32, double, f64)
CAST_KERNEL(int, i32, i64, i64)
CAST_KERNEL(i64, i64, float, f32)
CAST_KERNEL(i64, i64, double, f64)
CAST_KERNEL(i64, i64, int, i32)

/* ---- launch notes ----------------------------------------------------------------------
 * All kernels: 1-D grid-stride. Block 256; grid = min(ceil(n / 256), 65535 * 8) (any grid
 * is correct). No shared memory. n == 0: skip the launch.
 *
 * Unary   <op>_<dt>(const T* x, T* y, long long n, T a, T b)
 *         <op>_backward_<dt>(const T* x, const T* gy, T* gx, long long n, T a, T b)
 *         gx = gy * f'(x) with f' evaluated at the forward INPUT x. a, b are the scalar
 *         parameters (pow_scalar: a = exponent; leaky_relu: a = slope; clamp: a = min,
 *         b = max, a NaN bound = no bound; affine: y = a*x + b); pass 0 when unused. In place
 *         is allowed: y == x, gx == gy (no __restrict__ on these); any other overlap is not.
 * Binary  <op>_<dt>(const T* a, const T* b, T* out, long long n, int rank, NdLayout L)
 *         n = product of L.shape[0..rank); rank in [0, 8]; operand 0 = a, 1 = b.
 *         out may alias a or b (in place) only when that input is read with out's own
 *         contiguous strides, never when it is read with a broadcast (0) stride.
 * where   where_<dt>(cond, a, b, out, n, rank, L): operands 0,1,2 = cond, a, b.
 * fill    fill_<dt>(T* out, long long n, T value)
 * strided_copy_<dt>(src, out, n, rank, src_offset, L)   out contiguous, shape L.shape,
 *         src read at src_offset + sum(idx*L.stride[0]); strides may be 0 or negative.
 * strided_write_<dt>(src, dst, n, rank, dst_offset, L)  src contiguous; the destination
 *         region must not overlap itself (no 0 strides) or the result is unspecified.
 * cast_<src>_to_<dst>(const S* x, D* y, long long n)
 * Preconditions: all pointers 4/8-byte aligned for their type; shape entries >= 1.
 * --------------------------------------------------------------------------------------- */

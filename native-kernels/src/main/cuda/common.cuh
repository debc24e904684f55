// common.cuh — device helpers shared by the kernel families: grid-stride loop, precise
// math overloads (so templates pick the float or double function), warp and block
// reductions, the online (max, sum-of-exp) pair, and the Philox4x32-10 block function.
//
// Included by the .cu files; scripts/generate-ptx.sh hashes every .cu together with the
// headers it includes, so editing this file marks every family's PTX stale.
//
// Reductions: an Op is a struct with `static V combine(V a, V b)` (associative). The
// block reductions are correct for ANY blockDim.x in [1, 1024] (a partial last warp
// shuffles with the mask of its existing lanes and ignores the missing ones) and combine
// the per-warp partials in a fixed order, so results are deterministic run to run.

#pragma once

#include <math_constants.h>

#define NABLA_FULL_MASK 0xffffffffu

// for (long long i = global thread index; i < n; i += total threads)
#define NABLA_GRID_STRIDE(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long)blockDim.x * gridDim.x)

// ---- precise math overloads ----
__device__ __forceinline__ float m_exp(float x) { return expf(x); }
__device__ __forceinline__ double m_exp(double x) { return exp(x); }
__device__ __forceinline__ float m_log(float x) { return logf(x); }
__device__ __forceinline__ double m_log(double x) { return log(x); }
__device__ __forceinline__ float m_log1p(float x) { return log1pf(x); }
__device__ __forceinline__ double m_log1p(double x) { return log1p(x); }
__device__ __forceinline__ float m_sqrt(float x) { return sqrtf(x); }
__device__ __forceinline__ double m_sqrt(double x) { return sqrt(x); }
__device__ __forceinline__ float m_rsqrt(float x) { return rsqrtf(x); }
__device__ __forceinline__ double m_rsqrt(double x) { return rsqrt(x); }
__device__ __forceinline__ float m_pow(float x, float y) { return powf(x, y); }
__device__ __forceinline__ double m_pow(double x, double y) { return pow(x, y); }
__device__ __forceinline__ float m_sin(float x) { return sinf(x); }
__device__ __forceinline__ double m_sin(double x) { return sin(x); }
__device__ __forceinline__ float m_cos(float x) { return cosf(x); }
__device__ __forceinline__ double m_cos(double x) { return cos(x); }
__device__ __forceinline__ float m_tanh(float x) { return tanhf(x); }
__device__ __forceinline__ double m_tanh(double x) { return tanh(x); }
__device__ __forceinline__ float m_erfc(float x) { return erfcf(x); }
__device__ __forceinline__ double m_erfc(double x) { return erfc(x); }
__device__ __forceinline__ float m_abs(float x) { return fabsf(x); }
__device__ __forceinline__ double m_abs(double x) { return fabs(x); }
template <typename T> __device__ __forceinline__ T m_inf();
template <> __device__ __forceinline__ float m_inf<float>() { return CUDART_INF_F; }
template <> __device__ __forceinline__ double m_inf<double>() { return CUDART_INF; }
template <typename T> __device__ __forceinline__ T m_nan();
template <> __device__ __forceinline__ float m_nan<float>() { return CUDART_NAN_F; }
template <> __device__ __forceinline__ double m_nan<double>() { return CUDART_NAN; }

// ---- value types carried through reductions ----
template <typename T> struct ValIdx { T v; long long i; };  // argmax / argmin
template <typename T> struct MaxSum { T m; T s; };          // online log-sum-exp

// shfl_down for every value type a reduction carries
__device__ __forceinline__ float shfl_down(unsigned mask, float v, int o) { return __shfl_down_sync(mask, v, o); }
__device__ __forceinline__ double shfl_down(unsigned mask, double v, int o) { return __shfl_down_sync(mask, v, o); }
__device__ __forceinline__ long long shfl_down(unsigned mask, long long v, int o) {
    return __shfl_down_sync(mask, v, o);
}
template <typename T> __device__ __forceinline__ ValIdx<T> shfl_down(unsigned mask, ValIdx<T> a, int o) {
    ValIdx<T> r; r.v = shfl_down(mask, a.v, o); r.i = shfl_down(mask, a.i, o); return r;
}
template <typename T> __device__ __forceinline__ MaxSum<T> shfl_down(unsigned mask, MaxSum<T> a, int o) {
    MaxSum<T> r; r.m = shfl_down(mask, a.m, o); r.s = shfl_down(mask, a.s, o); return r;
}

template <typename T> struct SumOp {
    __device__ __forceinline__ static T combine(T a, T b) { return a + b; }
};

// Merges two (running max m, sum of exp(x - m)) pairs; NaN wins. A side whose max equals
// the result contributes its sum unscaled, which avoids exp(inf - inf) = NaN for rows of
// -inf or +inf.
template <typename T> struct MaxSumOp {
    __device__ __forceinline__ static MaxSum<T> combine(MaxSum<T> a, MaxSum<T> b) {
        MaxSum<T> r;
        r.m = (a.m != a.m || a.m > b.m) ? a.m : b.m;
        r.s = (a.m == r.m ? a.s : a.s * m_exp(a.m - r.m)) + (b.m == r.m ? b.s : b.s * m_exp(b.m - r.m));
        return r;
    }
};
template <typename T> __device__ __forceinline__ MaxSum<T> maxsum_identity() {
    MaxSum<T> a; a.m = -m_inf<T>(); a.s = T(0); return a;
}
template <typename T> __device__ __forceinline__ MaxSum<T> maxsum_of(T x) {
    MaxSum<T> a; a.m = x; a.s = T(1); return a;
}
// log(sum exp) of a merged pair; +-inf maxima are returned as is (no inf - inf).
template <typename T> __device__ __forceinline__ T maxsum_log(MaxSum<T> a) {
    return (a.m == m_inf<T>() || a.m == -m_inf<T>()) ? a.m : a.m + m_log(a.s);
}

// Reduces v over the calling thread's warp; the result is valid in lane 0. Every thread
// of the warp must call it. Works for the partial last warp of a block whose size is
// not a multiple of 32: missing lanes are excluded from the mask and never combined.
template <class Op, typename V> __device__ __forceinline__ V warp_reduce(V v) {
    const int lane = threadIdx.x & 31;
    const int valid = min(32, (int)blockDim.x - (int)(threadIdx.x & ~31u));
    const unsigned mask = valid == 32 ? NABLA_FULL_MASK : ((1u << valid) - 1u);
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        V u = shfl_down(mask, v, o);
        if (lane + o < valid) v = Op::combine(v, u);
    }
    return v;
}

// Reduces v over the block; EVERY thread receives the result. All threads of the block
// must call it (uniform control flow). sm: 32 slots of shared memory; it may be reused by
// consecutive calls (the leading barrier waits for the previous call's readers).
template <class Op, typename V> __device__ __forceinline__ V block_allreduce(V v, V* sm) {
    v = warp_reduce<Op>(v);
    const int nw = ((int)blockDim.x + 31) >> 5;
    __syncthreads();
    if ((threadIdx.x & 31) == 0) sm[threadIdx.x >> 5] = v;
    __syncthreads();
    V r = sm[0];
    for (int k = 1; k < nw; ++k) r = Op::combine(r, sm[k]);
    return r;
}

// block_allreduce with its own static shared buffer (one per Op/V instantiation).
template <class Op, typename V> __device__ V block_allreduce(V v) {
    __shared__ V sm[32];
    return block_allreduce<Op>(v, sm);
}

template <typename T> __device__ __forceinline__ T block_sum(T v) { return block_allreduce<SumOp<T> >(v); }

// ---- Philox4x32-10 (Salmon et al., Random123), bit for bit as
// runtime/src/main/java/dev/nabla/runtime/random/Philox.java ----
// key (k0, k1) = (lo32(seed), hi32(seed)), counter (lo32(block), hi32(block), 0, 0);
// round: (c0,c1,c2,c3) -> (hi(M1*c2) ^ c1 ^ k0, lo(M1*c2), hi(M0*c0) ^ c3 ^ k1, lo(M0*c0)),
// key bumped by (W0, W1) after each of the first 9 of 10 rounds.
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

struct Philox4 { unsigned int v[4]; };

__device__ __forceinline__ Philox4 philox4x32_10(unsigned long long block, unsigned long long seed) {
    unsigned int c0 = (unsigned int)block, c1 = (unsigned int)(block >> 32), c2 = 0u, c3 = 0u;
    unsigned int k0 = (unsigned int)seed, k1 = (unsigned int)(seed >> 32);
#pragma unroll
    for (int round = 0; round < 10; ++round) {
        unsigned int hi0 = __umulhi(PHILOX_M0, c0), lo0 = PHILOX_M0 * c0;
        unsigned int hi1 = __umulhi(PHILOX_M1, c2), lo1 = PHILOX_M1 * c2;
        unsigned int n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        if (round < 9) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
    }
    Philox4 r;
    r.v[0] = c0; r.v[1] = c1; r.v[2] = c2; r.v[3] = c3;
    return r;
}

// reduce.cu — reductions over the middle axis of a [outer, reduce, inner] view:
// sum, mean, max, min, logsumexp (output dtype = input dtype) and argmax, argmin
// (int64 output). The Java side permutes / reshapes so that the reduced axes form one
// contiguous middle axis; output is [outer, inner], contiguous.
//
// Two strategies, chosen inside the kernel from `inner` (uniform over the grid):
//  * inner == 1 (reducing the last axis): one block per output row; each thread folds a
//    strided slice of the row, then a warp-shuffle block reduction combines them.
//  * inner  > 1: one block per tile of 32 consecutive inner positions of one outer index;
//    lane = inner position (coalesced loads), the block's warps stride over the reduced
//    axis, and warp 0 combines the per-warp partials through shared memory.
// Both orders are fixed, so results are deterministic run to run.
//
// Numerics: f32 accumulates in float, f64 in double. max/min propagate NaN; argmax and
// argmin return the first NaN if any, otherwise the FIRST index of the extreme value
// (PyTorch). logsumexp is computed online as (running max, scaled sum) pairs and is
// exact for -inf entries (a row of all -inf gives -inf) and +inf entries (gives +inf).
// mean of an empty axis is NaN; max/min/argmax/argmin/logsumexp need reduce >= 1.

#include "common.cuh"

// Each reducer: Acc type, identity, load(element, index), associative combine (the Op of
// common.cuh's block reductions) and store(acc, reduce_len) -> output value.
template <typename T> struct SumR {
    typedef T Acc; typedef T Out;
    __device__ static Acc init() { return T(0); }
    __device__ static Acc load(T x, long long) { return x; }
    __device__ static Acc combine(Acc a, Acc b) { return a + b; }
    __device__ static Out store(Acc a, long long) { return a; }
};
template <typename T> struct MeanR : SumR<T> {
    __device__ static T store(T a, long long r) { return a / T(r); }
};
template <typename T> struct MaxR {
    typedef T Acc; typedef T Out;
    __device__ static Acc init() { return -m_inf<T>(); }
    __device__ static Acc load(T x, long long) { return x; }
    __device__ static Acc combine(Acc a, Acc b) { return (a != a || a > b) ? a : b; }
    __device__ static Out store(Acc a, long long) { return a; }
};
template <typename T> struct MinR {
    typedef T Acc; typedef T Out;
    __device__ static Acc init() { return m_inf<T>(); }
    __device__ static Acc load(T x, long long) { return x; }
    __device__ static Acc combine(Acc a, Acc b) { return (a != a || a < b) ? a : b; }
    __device__ static Out store(Acc a, long long) { return a; }
};
// SIGN = +1 for argmax, -1 for argmin. NaN beats numbers; ties go to the lower index.
template <typename T, int SIGN> struct ArgR {
    typedef ValIdx<T> Acc; typedef long long Out;
    __device__ static Acc init() { Acc a; a.v = -T(SIGN) * m_inf<T>(); a.i = 0x7fffffffffffffffLL; return a; }
    __device__ static Acc load(T x, long long i) { Acc a; a.v = x; a.i = i; return a; }
    __device__ static Acc combine(Acc a, Acc b) {
        bool an = a.v != a.v, bn = b.v != b.v;
        if (an || bn) {
            if (an && bn) return a.i < b.i ? a : b;
            return an ? a : b;
        }
        if (SIGN > 0 ? a.v > b.v : a.v < b.v) return a;
        if (SIGN > 0 ? b.v > a.v : b.v < a.v) return b;
        return a.i < b.i ? a : b;
    }
    __device__ static Out store(Acc a, long long) { return a.i; }
};
template <typename T> struct LseR {
    typedef MaxSum<T> Acc; typedef T Out;
    __device__ static Acc init() { return maxsum_identity<T>(); }
    __device__ static Acc load(T x, long long) { return maxsum_of(x); }
    __device__ static Acc combine(Acc a, Acc b) { return MaxSumOp<T>::combine(a, b); }
    __device__ static Out store(Acc a, long long) { return maxsum_log(a); }
};

template <class R, typename T>
__device__ void reduce_axis(const T* __restrict__ x, typename R::Out* __restrict__ y,
                            long long outer, long long rlen, long long inner) {
    typedef typename R::Acc Acc;
    __shared__ Acc sm[1024];
    if (inner == 1) {
        for (long long row = blockIdx.x; row < outer; row += gridDim.x) {
            const T* xr = x + row * rlen;
            Acc acc = R::init();
            for (long long r = threadIdx.x; r < rlen; r += blockDim.x) acc = R::combine(acc, R::load(xr[r], r));
            acc = block_allreduce<R>(acc, sm);
            if (threadIdx.x == 0) y[row] = R::store(acc, rlen);
        }
        return;
    }
    int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = blockDim.x >> 5;
    long long col_tiles = (inner + 31) / 32;
    long long tiles = outer * col_tiles;
    for (long long t = blockIdx.x; t < tiles; t += gridDim.x) {
        long long o = t / col_tiles;
        long long j = (t - o * col_tiles) * 32 + lane;
        Acc acc = R::init();
        if (j < inner) {
            const T* xo = x + o * rlen * inner + j;
            for (long long r = w; r < rlen; r += nw) acc = R::combine(acc, R::load(xo[r * inner], r));
        }
        __syncthreads();  // previous tile's partials have been consumed
        sm[w * 32 + lane] = acc;
        __syncthreads();
        if (w == 0 && j < inner) {
            for (int k = 1; k < nw; ++k) acc = R::combine(acc, sm[k * 32 + lane]);
            y[o * inner + j] = R::store(acc, rlen);
        }
    }
}

#define REDUCE_KERNEL(NAME, R, T, SUF)                                                          \
    extern "C" __global__ void NAME##_##SUF(const T* __restrict__ x, R::Out* __restrict__ y,     \
                                            long long outer, long long reduce, long long inner) { \
        reduce_axis<R, T>(x, y, outer, reduce, inner);                                           \
    }

typedef ArgR<float, 1> ArgMaxF; typedef ArgR<float, -1> ArgMinF;
typedef ArgR<double, 1> ArgMaxD; typedef ArgR<double, -1> ArgMinD;

REDUCE_KERNEL(sum, SumR<float>, float, f32)
REDUCE_KERNEL(mean, MeanR<float>, float, f32)
REDUCE_KERNEL(max, MaxR<float>, float, f32)
REDUCE_KERNEL(min, MinR<float>, float, f32)
REDUCE_KERNEL(logsumexp, LseR<float>, float, f32)
REDUCE_KERNEL(argmax, ArgMaxF, float, f32)
REDUCE_KERNEL(argmin, ArgMinF, float, f32)
REDUCE_KERNEL(sum, SumR<double>, double, f64)
REDUCE_KERNEL(mean, MeanR<double>, double, f64)
REDUCE_KERNEL(max, MaxR<double>, double, f64)
REDUCE_KERNEL(min, MinR<double>, double, f64)
REDUCE_KERNEL(logsumexp, LseR<double>, double, f64)
REDUCE_KERNEL(argmax, ArgMaxD, double, f64)
REDUCE_KERNEL(argmin, ArgMinD, double, f64)

/* ---- launch notes ----------------------------------------------------------------------
 * Every kernel: <op>_<dt>(const T* x, Out* y, long long outer, long long reduce, long long inner)
 *   x: [outer, reduce, inner] contiguous; y: [outer, inner] contiguous.
 *   Out = T for sum, mean, max, min, logsumexp; Out = int64 (long long) for argmax, argmin
 *   (index along the reduced axis).
 * Block: 256 threads (any multiple of 32 up to 1024 works). Static shared memory only
 *   (up to 16 KiB); no dynamic shared memory.
 * Grid (1-D; any size is correct, the kernel loops):
 *   inner == 1: grid = min(outer, 65535)
 *   inner  > 1: grid = min(outer * ceil(inner / 32), 65535)
 * Preconditions: reduce >= 1 for max/min/argmax/argmin/logsumexp; outer, inner >= 1.
 * --------------------------------------------------------------------------------------- */

// embedding.cu — integer-indexed reads and writes: index_select (embedding forward),
// index_add (embedding backward), gather / scatter_add along an axis, one_hot.
//
// Layout: the indexed axis is the middle axis of an [outer, size, inner] view (the Java
// side reshapes; embedding is outer = 1, size = num_embeddings, inner = dim). Indices
// are int64.
//   index_select: out[o, i, r] = src[o, idx[i], r]           idx: [n_idx]
//   index_add:    dst[o, idx[i], r] += src[o, i, r]          (atomicAdd; dst pre-filled)
//   gather:       out[o, j, r] = src[o, idx[o, j, r], r]     idx: [outer, m, inner]
//   scatter_add:  dst[o, idx[o, j, r], r] += src[o, j, r]    (atomicAdd; dst pre-filled)
//   one_hot:      out[i, c] = (idx[i] == c)                  out: [n, num_classes]
// An index outside [0, size) reads as NaN (0 for integer dtypes) and is skipped by the
// accumulating kernels, so a bad index shows up in the result instead of corrupting
// memory. Accumulation order under atomics is unspecified (last-bit nondeterminism).

#include "common.cuh"

typedef long long i64;

template <typename T> __device__ __forceinline__ T bad_index_value() { return T(0); }
template <> __device__ __forceinline__ float bad_index_value<float>() { return CUDART_NAN_F; }
template <> __device__ __forceinline__ double bad_index_value<double>() { return CUDART_NAN; }

#define READ_KERNELS(T, SUF)                                                                         \
    extern "C" __global__ void index_select_##SUF(const T* __restrict__ src, const i64* __restrict__ idx, \
                                                  T* __restrict__ out, i64 outer, i64 size, i64 n_idx, \
                                                  i64 inner) {                                       \
        NABLA_GRID_STRIDE(e, outer * n_idx * inner) {                                                \
            i64 r = e % inner, t = e / inner;                                                        \
            i64 i = t % n_idx, o = t / n_idx;                                                        \
            i64 k = idx[i];                                                                          \
            out[e] = (k >= 0 && k < size) ? src[(o * size + k) * inner + r] : bad_index_value<T>();   \
        }                                                                                            \
    }                                                                                                \
    extern "C" __global__ void gather_##SUF(const T* __restrict__ src, const i64* __restrict__ idx,  \
                                            T* __restrict__ out, i64 outer, i64 size, i64 m,         \
                                            i64 inner) {                                             \
        NABLA_GRID_STRIDE(e, outer * m * inner) {                                                    \
            i64 r = e % inner, o = e / (m * inner);                                                  \
            i64 k = idx[e];                                                                          \
            out[e] = (k >= 0 && k < size) ? src[(o * size + k) * inner + r] : bad_index_value<T>();   \
        }                                                                                            \
    }                                                                                                \
    extern "C" __global__ void one_hot_##SUF(const i64* __restrict__ idx, T* __restrict__ out, i64 n, \
                                             i64 num_classes) {                                      \
        NABLA_GRID_STRIDE(e, n * num_classes) {                                                      \
            i64 i = e / num_classes, c = e - i * num_classes;                                        \
            out[e] = idx[i] == c ? T(1) : T(0);                                                      \
        }                                                                                            \
    }

#define ACCUMULATE_KERNELS(T, SUF)                                                                   \
    extern "C" __global__ void index_add_##SUF(const T* __restrict__ src, const i64* __restrict__ idx, \
                                               T* __restrict__ dst, i64 outer, i64 size, i64 n_idx,  \
                                               i64 inner) {                                          \
        NABLA_GRID_STRIDE(e, outer * n_idx * inner) {                                                \
            i64 r = e % inner, t = e / inner;                                                        \
            i64 i = t % n_idx, o = t / n_idx;                                                        \
            i64 k = idx[i];                                                                          \
            if (k >= 0 && k < size) atomicAdd(dst + (o * size + k) * inner + r, src[e]);              \
        }                                                                                            \
    }                                                                                                \
    extern "C" __global__ void scatter_add_##SUF(const T* __restrict__ src, const i64* __restrict__ idx, \
                                                 T* __restrict__ dst, i64 outer, i64 size, i64 m,    \
                                                 i64 inner) {                                        \
        NABLA_GRID_STRIDE(e, outer * m * inner) {                                                    \
            i64 r = e % inner, o = e / (m * inner);                                                  \
            i64 k = idx[e];                                                                          \
            if (k >= 0 && k < size) atomicAdd(dst + (o * size + k) * inner + r, src[e]);              \
        }                                                                                            \
    }

READ_KERNELS(float, f32)
READ_KERNELS(double, f64)
READ_KERNELS(int, i32)
READ_KERNELS(i64, i64)
ACCUMULATE_KERNELS(float, f32)
ACCUMULATE_KERNELS(double, f64)

/* ---- launch notes ----------------------------------------------------------------------
 * All: 1-D grid-stride, block 256, grid min(ceil(total/256), 65535*8), no shared memory.
 * Sizes are long long (int64); indices const long long*.
 * index_select_<dt>(const T* src, const i64* idx, T* out, i64 outer, i64 size, i64 n_idx,
 *                   i64 inner)                       total = outer*n_idx*inner
 * index_add_<f32|f64>(const T* src, const i64* idx, T* dst, i64 outer, i64 size, i64 n_idx,
 *                   i64 inner)                       src [outer, n_idx, inner]; dst accumulates
 * gather_<dt>(const T* src, const i64* idx, T* out, i64 outer, i64 size, i64 m, i64 inner)
 *                                                    total = outer*m*inner (shape of idx)
 * scatter_add_<f32|f64>(const T* src, const i64* idx, T* dst, i64 outer, i64 size, i64 m,
 *                   i64 inner)                       src and idx [outer, m, inner]
 * one_hot_<dt>(const i64* idx, T* out, i64 n, i64 num_classes)
 * dt: f32, f64, i32, i64 for index_select / gather / one_hot.
 * --------------------------------------------------------------------------------------- */

// attention.cu — fused scaled-dot-product attention, FlashAttention style (float32).
//
//   S = scale * Q K^T (+ masks),  P = softmax_rows(S),  O = P V,  lse = logsumexp_rows(S)
//
// Layout: q [B, H, Tq, D], k and v [B, H, Tk, D], out / gout / dq [B, H, Tq, D],
// dk / dv [B, H, Tk, D], lse / delta [B, H, Tq]; all contiguous, 1 <= D <= 128.
// Masks (a masked score is -inf):
//   causal != 0: key j is masked for query i when j > i + causal_offset
//     (causal_offset = 0 is PyTorch's is_causal, top-left aligned; Tk - Tq aligns the
//     last query with the last key, as with a KV cache);
//   key_padding_mask (nullable) [B, Tk] float: nonzero = key masked for every query.
// A query row whose keys are all masked gets out = 0 and lse = -inf, and zero gradients.
//
// Forward: a block owns 16 query rows of one (b, h) (4 warps x 4 rows) and streams K/V
// in tiles of 32 keys through shared memory. Lane j of a warp holds score S[i, j0 + j];
// the row max and sum use warp shuffles, and each row keeps a running max m, running
// sum l and an unnormalised output accumulator (lane owns d = lane + 32c), rescaled by
// exp(m_old - m_new) when the max grows (online softmax). The T x T matrix never exists.
// Causal blocks stop at the last key any of their rows can see.
//
// Backward (FlashAttention-2): with delta_i = sum_d gout[i,d] * out[i,d] (pre-kernel),
//   P_ij = exp(S_ij - lse_i) (recomputed), dP_ij = gout_i . v_j, dS_ij = P_ij (dP_ij - delta_i)
//   dq_i = scale sum_j dS_ij k_j      (kernel over query tiles, like the forward)
//   dk_j = scale sum_i dS_ij q_i, dv_j = sum_i P_ij gout_i   (kernel over key tiles)
// Two kernels instead of atomics: results are deterministic and need no zero-fill.
//
// Numerics: float32 throughout, precise expf/logf; dot products accumulate in float.

#include "common.cuh"

#define WARPS 4
#define THREADS (WARPS * 32)
#define BC 32          // keys per tile = lanes per warp
#define DMAX 128
#define DCH (DMAX / 32)  // head-dim chunks per lane
#define FWD_RPW 4      // forward: query rows per warp
#define FWD_BR (WARPS * FWD_RPW)
#define BWD_RPW 2      // backward: query rows per warp
#define BWD_BR (WARPS * BWD_RPW)

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(NABLA_FULL_MASK, v, o));
    return v;
}
__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(NABLA_FULL_MASK, v, o);
    return v;
}

// Is key j visible to query i? (j < Tk is checked by the caller.)
__device__ __forceinline__ bool key_visible(const float* __restrict__ kpm_row, int i, int j, int causal,
                                            int causal_offset) {
    if (kpm_row && kpm_row[j] != 0.0f) return false;
    if (causal && (long long)j > (long long)i + causal_offset) return false;
    return true;
}

// Loads rows [r0, r0 + rows) of a [T, D] matrix into dst with row pitch `pitch`, zero past T.
__device__ __forceinline__ void load_rows(float* dst, int pitch, const float* __restrict__ src, int r0, int rows,
                                          int T, int D) {
    for (int idx = threadIdx.x; idx < rows * D; idx += blockDim.x) {
        int r = idx / D, d = idx - r * D;
        dst[r * pitch + d] = (r0 + r < T) ? src[(long long)(r0 + r) * D + d] : 0.0f;
    }
}

extern "C" __global__ void __launch_bounds__(THREADS)
attention_forward_f32(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                      const float* __restrict__ key_padding_mask, float* __restrict__ out,
                      float* __restrict__ lse, int B, int H, int Tq, int Tk, int D, float scale, int causal,
                      int causal_offset) {
    __shared__ float Qs[FWD_BR][DMAX];
    __shared__ float Ks[BC][DMAX + 1];  // +1: lane j reads row j, conflict-free
    __shared__ float Vs[BC][DMAX];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int q0 = blockIdx.x * FWD_BR;
    int kv_end = Tk;
    if (causal) kv_end = (int)min((long long)Tk, max(0LL, (long long)q0 + FWD_BR + causal_offset));

    for (long long bh = blockIdx.y; bh < (long long)B * H; bh += gridDim.y) {
        const long long b = bh / H;
        const float* qb = q + bh * Tq * D;
        const float* kb = k + bh * Tk * D;
        const float* vb = v + bh * Tk * D;
        const float* kpm = key_padding_mask ? key_padding_mask + b * Tk : nullptr;

        __syncthreads();  // the previous (b, h) is done with shared memory
        load_rows(&Qs[0][0], DMAX, qb, q0, FWD_BR, Tq, D);

        float m[FWD_RPW], l[FWD_RPW], o[FWD_RPW][DCH];
#pragma unroll
        for (int r = 0; r < FWD_RPW; ++r) {
            m[r] = -CUDART_INF_F; l[r] = 0.0f;
#pragma unroll
            for (int c = 0; c < DCH; ++c) o[r][c] = 0.0f;
        }

        for (int j0 = 0; j0 < kv_end; j0 += BC) {
            __syncthreads();  // previous tile consumed
            load_rows(&Ks[0][0], DMAX + 1, kb, j0, BC, Tk, D);
            load_rows(&Vs[0][0], DMAX, vb, j0, BC, Tk, D);
            __syncthreads();
            const int j = j0 + lane;
#pragma unroll
            for (int r = 0; r < FWD_RPW; ++r) {
                const int rr = warp + WARPS * r;
                const int i = q0 + rr;
                float s = 0.0f;
                for (int d = 0; d < D; ++d) s = fmaf(Qs[rr][d], Ks[lane][d], s);
                const bool ok = j < Tk && key_visible(kpm, i, j, causal, causal_offset);
                s = ok ? s * scale : -CUDART_INF_F;
                const float m_new = fmaxf(m[r], warp_max(s));
                const float m_use = m_new == -CUDART_INF_F ? 0.0f : m_new;  // all masked so far
                const float p = ok ? expf(s - m_use) : 0.0f;
                const float alpha = expf(m[r] - m_use);  // 0 when m[r] = -inf
                l[r] = l[r] * alpha + warp_sum(p);
                m[r] = m_new;
#pragma unroll
                for (int c = 0; c < DCH; ++c) o[r][c] *= alpha;
                for (int jj = 0; jj < BC; ++jj) {
                    const float pj = __shfl_sync(NABLA_FULL_MASK, p, jj);
#pragma unroll
                    for (int c = 0; c < DCH; ++c) {
                        const int d = lane + 32 * c;
                        if (d < D) o[r][c] = fmaf(pj, Vs[jj][d], o[r][c]);
                    }
                }
            }
        }

#pragma unroll
        for (int r = 0; r < FWD_RPW; ++r) {
            const int i = q0 + warp + WARPS * r;
            if (i >= Tq) continue;
            const float inv = l[r] > 0.0f ? 1.0f / l[r] : 0.0f;
#pragma unroll
            for (int c = 0; c < DCH; ++c) {
                const int d = lane + 32 * c;
                if (d < D) out[(bh * Tq + i) * D + d] = o[r][c] * inv;
            }
            if (lane == 0) lse[bh * Tq + i] = l[r] > 0.0f ? m[r] + logf(l[r]) : -CUDART_INF_F;
        }
    }
}

// delta[row] = sum_d out[row, d] * gout[row, d]; one warp per row.
extern "C" __global__ void attention_backward_delta_f32(const float* __restrict__ out,
                                                        const float* __restrict__ gout,
                                                        float* __restrict__ delta, long long rows, int D) {
    const int lane = threadIdx.x & 31;
    const long long warps_per_grid = (long long)gridDim.x * (blockDim.x >> 5);
    for (long long row = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5); row < rows;
         row += warps_per_grid) {
        float s = 0.0f;
        for (int d = lane; d < D; d += 32) s = fmaf(out[row * D + d], gout[row * D + d], s);
        s = warp_sum(s);
        if (lane == 0) delta[row] = s;
    }
}

extern "C" __global__ void __launch_bounds__(THREADS)
attention_backward_dq_f32(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                          const float* __restrict__ key_padding_mask, const float* __restrict__ gout,
                          const float* __restrict__ lse, const float* __restrict__ delta, float* __restrict__ dq,
                          int B, int H, int Tq, int Tk, int D, float scale, int causal, int causal_offset) {
    __shared__ float Qs[BWD_BR][DMAX];
    __shared__ float dOs[BWD_BR][DMAX];
    __shared__ float Ks[BC][DMAX + 1];
    __shared__ float Vs[BC][DMAX + 1];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int q0 = blockIdx.x * BWD_BR;
    int kv_end = Tk;
    if (causal) kv_end = (int)min((long long)Tk, max(0LL, (long long)q0 + BWD_BR + causal_offset));

    for (long long bh = blockIdx.y; bh < (long long)B * H; bh += gridDim.y) {
        const long long b = bh / H;
        const float* kb = k + bh * Tk * D;
        const float* vb = v + bh * Tk * D;
        const float* kpm = key_padding_mask ? key_padding_mask + b * Tk : nullptr;
        __syncthreads();
        load_rows(&Qs[0][0], DMAX, q + bh * Tq * D, q0, BWD_BR, Tq, D);
        load_rows(&dOs[0][0], DMAX, gout + bh * Tq * D, q0, BWD_BR, Tq, D);

        float lse_r[BWD_RPW], delta_r[BWD_RPW], acc[BWD_RPW][DCH];
#pragma unroll
        for (int r = 0; r < BWD_RPW; ++r) {
            const int i = q0 + warp + WARPS * r;
            lse_r[r] = i < Tq ? lse[bh * Tq + i] : 0.0f;
            delta_r[r] = i < Tq ? delta[bh * Tq + i] : 0.0f;
#pragma unroll
            for (int c = 0; c < DCH; ++c) acc[r][c] = 0.0f;
        }

        for (int j0 = 0; j0 < kv_end; j0 += BC) {
            __syncthreads();
            load_rows(&Ks[0][0], DMAX + 1, kb, j0, BC, Tk, D);
            load_rows(&Vs[0][0], DMAX + 1, vb, j0, BC, Tk, D);
            __syncthreads();
            const int j = j0 + lane;
#pragma unroll
            for (int r = 0; r < BWD_RPW; ++r) {
                const int rr = warp + WARPS * r;
                const int i = q0 + rr;
                float s = 0.0f, dp = 0.0f;
                for (int d = 0; d < D; ++d) {
                    s = fmaf(Qs[rr][d], Ks[lane][d], s);
                    dp = fmaf(dOs[rr][d], Vs[lane][d], dp);
                }
                const bool ok = i < Tq && j < Tk && key_visible(kpm, i, j, causal, causal_offset);
                const float p = ok ? expf(s * scale - lse_r[r]) : 0.0f;
                const float ds = ok ? p * (dp - delta_r[r]) : 0.0f;
                for (int jj = 0; jj < BC; ++jj) {
                    const float dsj = __shfl_sync(NABLA_FULL_MASK, ds, jj);
#pragma unroll
                    for (int c = 0; c < DCH; ++c) {
                        const int d = lane + 32 * c;
                        if (d < D) acc[r][c] = fmaf(dsj, Ks[jj][d], acc[r][c]);
                    }
                }
            }
        }

#pragma unroll
        for (int r = 0; r < BWD_RPW; ++r) {
            const int i = q0 + warp + WARPS * r;
            if (i >= Tq) continue;
#pragma unroll
            for (int c = 0; c < DCH; ++c) {
                const int d = lane + 32 * c;
                if (d < D) dq[(bh * Tq + i) * D + d] = acc[r][c] * scale;
            }
        }
    }
}

#define KPW (BC / WARPS)  // keys per warp in the accumulation phase

extern "C" __global__ void __launch_bounds__(THREADS)
attention_backward_dkdv_f32(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
                            const float* __restrict__ key_padding_mask, const float* __restrict__ gout,
                            const float* __restrict__ lse, const float* __restrict__ delta,
                            float* __restrict__ dk, float* __restrict__ dv, int B, int H, int Tq, int Tk, int D,
                            float scale, int causal, int causal_offset) {
    __shared__ float Ks[BC][DMAX + 1];
    __shared__ float Vs[BC][DMAX + 1];
    __shared__ float Qs[BWD_BR][DMAX];
    __shared__ float dOs[BWD_BR][DMAX];
    __shared__ float Ps[BWD_BR][BC + 1];
    __shared__ float dSs[BWD_BR][BC + 1];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int j0 = blockIdx.x * BC;
    // first query that can see key j0 under the causal mask: i >= j0 - causal_offset
    int i_begin = 0;
    if (causal) i_begin = (int)min((long long)Tq, max(0LL, (long long)j0 - causal_offset));
    i_begin -= i_begin % BWD_BR;

    for (long long bh = blockIdx.y; bh < (long long)B * H; bh += gridDim.y) {
        const long long b = bh / H;
        const float* qb = q + bh * Tq * D;
        const float* gb = gout + bh * Tq * D;
        const float* kpm = key_padding_mask ? key_padding_mask + b * Tk : nullptr;
        __syncthreads();
        load_rows(&Ks[0][0], DMAX + 1, k + bh * Tk * D, j0, BC, Tk, D);
        load_rows(&Vs[0][0], DMAX + 1, v + bh * Tk * D, j0, BC, Tk, D);

        float dk_acc[KPW][DCH], dv_acc[KPW][DCH];
#pragma unroll
        for (int r = 0; r < KPW; ++r)
#pragma unroll
            for (int c = 0; c < DCH; ++c) { dk_acc[r][c] = 0.0f; dv_acc[r][c] = 0.0f; }

        const int j = j0 + lane;
        for (int i0 = i_begin; i0 < Tq; i0 += BWD_BR) {
            __syncthreads();  // previous query tile consumed (and K/V visible on the first)
            load_rows(&Qs[0][0], DMAX, qb, i0, BWD_BR, Tq, D);
            load_rows(&dOs[0][0], DMAX, gb, i0, BWD_BR, Tq, D);
            __syncthreads();
            // phase 1: P and dS for this tile; lane = key
#pragma unroll
            for (int r = 0; r < BWD_RPW; ++r) {
                const int rr = warp + WARPS * r;
                const int i = i0 + rr;
                float s = 0.0f, dp = 0.0f;
                for (int d = 0; d < D; ++d) {
                    s = fmaf(Qs[rr][d], Ks[lane][d], s);
                    dp = fmaf(dOs[rr][d], Vs[lane][d], dp);
                }
                const bool ok = i < Tq && j < Tk && key_visible(kpm, i, j, causal, causal_offset);
                float p = 0.0f, ds = 0.0f;
                if (ok) {
                    const long long row = bh * Tq + i;
                    p = expf(s * scale - lse[row]);
                    ds = p * (dp - delta[row]);
                }
                Ps[rr][lane] = p;
                dSs[rr][lane] = ds;
            }
            __syncthreads();
            // phase 2: warp owns keys warp + WARPS*r, lane owns d = lane + 32c
#pragma unroll
            for (int r = 0; r < KPW; ++r) {
                const int kk = warp + WARPS * r;
                for (int ii = 0; ii < BWD_BR; ++ii) {
                    const float p = Ps[ii][kk], ds = dSs[ii][kk];
#pragma unroll
                    for (int c = 0; c < DCH; ++c) {
                        const int d = lane + 32 * c;
                        if (d < D) {
                            dv_acc[r][c] = fmaf(p, dOs[ii][d], dv_acc[r][c]);
                            dk_acc[r][c] = fmaf(ds, Qs[ii][d], dk_acc[r][c]);
                        }
                    }
                }
            }
        }

#pragma unroll
        for (int r = 0; r < KPW; ++r) {
            const int jj = j0 + warp + WARPS * r;
            if (jj >= Tk) continue;
#pragma unroll
            for (int c = 0; c < DCH; ++c) {
                const int d = lane + 32 * c;
                if (d < D) {
                    dk[(bh * Tk + jj) * D + d] = dk_acc[r][c] * scale;
                    dv[(bh * Tk + jj) * D + d] = dv_acc[r][c];
                }
            }
        }
    }
}

/* ---- launch notes ----------------------------------------------------------------------
 * Common scalar arguments: int B, int H, int Tq, int Tk, int D (1..128), float scale
 * (usually 1/sqrt(D)), int causal (0/1), int causal_offset (0 = PyTorch is_causal).
 * key_padding_mask: nullable float [B, Tk], nonzero = masked.
 * All attention kernels except delta: block (128, 1, 1) EXACTLY (4 warps assumed),
 * static shared memory only (< 48 KiB, no opt-in), grid.y = min(B*H, 65535).
 *
 * attention_forward_f32(q, k, v, key_padding_mask, out, lse, B, H, Tq, Tk, D, scale,
 *                       causal, causal_offset)
 *   grid (ceil(Tq/16), min(B*H, 65535)); smem 41088 B. Writes out [B,H,Tq,D], lse [B,H,Tq].
 * attention_backward_delta_f32(const float* out, const float* gout, float* delta,
 *                              long long rows, int D)
 *   rows = B*H*Tq; block 128 (4 rows per block); grid min(ceil(rows/4), 65535*8).
 * attention_backward_dq_f32(q, k, v, key_padding_mask, gout, lse, delta, dq, B, H, Tq, Tk,
 *                           D, scale, causal, causal_offset)
 *   grid (ceil(Tq/8), min(B*H, 65535)); smem 41216 B. Overwrites dq.
 * attention_backward_dkdv_f32(q, k, v, key_padding_mask, gout, lse, delta, dk, dv, B, H,
 *                             Tq, Tk, D, scale, causal, causal_offset)
 *   grid (ceil(Tk/32), min(B*H, 65535)); smem 43328 B. Overwrites dk, dv.
 * Backward order: delta, then dq and dkdv (independent of each other).
 * Preconditions: D <= 128; B*H*T*D < 2^63; Tq, Tk >= 1.
 * --------------------------------------------------------------------------------------- */

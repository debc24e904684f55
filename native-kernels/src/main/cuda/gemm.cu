// gemm.cu — strided-batched general matrix multiply, row-major:
//   C[z] = alpha * op(A[z]) * op(B[z]) + beta * C[z],   z = 0 .. batch-1
//   op(A) is M x K: A is M x K (lda >= K) or, with transA, K x M (lda >= M).
//   op(B) is K x N: B is K x N (ldb >= N) or, with transB, N x K (ldb >= K).
//   C is M x N (ldc >= N). Batch z starts at A + z*strideA (likewise B, C); stride 0
//   broadcasts one matrix across the batch (e.g. conv weights). C must not overlap A/B,
//   and distinct batches' C must not overlap.
//   beta == 0 means C is write-only (not read, so NaN/garbage in C does not leak), as BLAS.
//
// gemm_f32: 128x128 block tile, BK = 8, 256 threads each holding an 8x8 accumulator
//   tile. Thread (tx, ty) = (tid % 16, tid / 16) owns rows ty + 16*i and columns
//   tx + 16*j (i, j < 8): the strided ownership makes shared-memory reads conflict-free
//   and C stores coalesced. Tiles of A and B are staged through registers into two
//   shared-memory buffers (double buffering): while the block multiplies tile t from
//   one buffer, each thread has already issued the global loads of tile t+1, which it
//   then stores to the other buffer; one __syncthreads per K step. Out-of-range
//   elements load as 0, so any M, N, K (including K = 0) and any alignment work.
//   Accumulation is in float with FMA.
// gemm_f64: a plain 16x16 shared-memory tiled kernel, for float64 gradient checks.

#define BM 128
#define BN 128
#define BK 8
#define APAD 4  // row padding: the transposing stores hit distinct banks

__device__ __forceinline__ void load_a(const float* __restrict__ A, int transA, long long lda, int M, int K,
                                       int m0, int k0, int e, float* v, int* mm, int* kk) {
    int m, k;
    if (transA) { m = e & (BM - 1); k = e >> 7; } else { m = e >> 3; k = e & (BK - 1); }
    int gm = m0 + m, gk = k0 + k;
    *mm = m; *kk = k;
    *v = (gm < M && gk < K) ? (transA ? A[(long long)gk * lda + gm] : A[(long long)gm * lda + gk]) : 0.0f;
}

__device__ __forceinline__ void load_b(const float* __restrict__ B, int transB, long long ldb, int N, int K,
                                       int n0, int k0, int e, float* v, int* nn, int* kk) {
    int n, k;
    if (transB) { n = e >> 3; k = e & (BK - 1); } else { n = e & (BN - 1); k = e >> 7; }
    int gn = n0 + n, gk = k0 + k;
    *nn = n; *kk = k;
    *v = (gn < N && gk < K) ? (transB ? B[(long long)gn * ldb + gk] : B[(long long)gk * ldb + gn]) : 0.0f;
}

extern "C" __global__ void __launch_bounds__(256)
gemm_f32(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
         int M, int N, int K, int transA, int transB, long long lda, long long ldb, long long ldc,
         long long strideA, long long strideB, long long strideC, int batch, float alpha, float beta) {
    __shared__ float As[2][BK][BM + APAD];
    __shared__ float Bs[2][BK][BN + APAD];
    const int tid = threadIdx.x;
    const int tx = tid & 15, ty = tid >> 4;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    const int tiles = (K + BK - 1) / BK;

    for (long long z = blockIdx.z; z < batch; z += gridDim.z) {
        const float* Az = A + z * strideA;
        const float* Bz = B + z * strideB;
        float* Cz = C + z * strideC;

        float acc[8][8];
#pragma unroll
        for (int i = 0; i < 8; ++i)
#pragma unroll
            for (int j = 0; j < 8; ++j) acc[i][j] = 0.0f;

        float ra[4], rb[4];
        int am[4], ak[4], bn[4], bk[4];
#pragma unroll
        for (int l = 0; l < 4; ++l) {
            load_a(Az, transA, lda, M, K, m0, 0, tid + 256 * l, &ra[l], &am[l], &ak[l]);
            load_b(Bz, transB, ldb, N, K, n0, 0, tid + 256 * l, &rb[l], &bn[l], &bk[l]);
        }
#pragma unroll
        for (int l = 0; l < 4; ++l) { As[0][ak[l]][am[l]] = ra[l]; Bs[0][bk[l]][bn[l]] = rb[l]; }
        __syncthreads();

        for (int t = 0; t < tiles; ++t) {
            const int cur = t & 1;
            const bool more = t + 1 < tiles;
            if (more) {
#pragma unroll
                for (int l = 0; l < 4; ++l) {
                    load_a(Az, transA, lda, M, K, m0, (t + 1) * BK, tid + 256 * l, &ra[l], &am[l], &ak[l]);
                    load_b(Bz, transB, ldb, N, K, n0, (t + 1) * BK, tid + 256 * l, &rb[l], &bn[l], &bk[l]);
                }
            }
#pragma unroll
            for (int k = 0; k < BK; ++k) {
                float a[8], b[8];
#pragma unroll
                for (int i = 0; i < 8; ++i) a[i] = As[cur][k][ty + 16 * i];
#pragma unroll
                for (int j = 0; j < 8; ++j) b[j] = Bs[cur][k][tx + 16 * j];
#pragma unroll
                for (int i = 0; i < 8; ++i)
#pragma unroll
                    for (int j = 0; j < 8; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
            }
            if (more) {
                // buffer cur^1 was last read in step t-1, which ended with a barrier
#pragma unroll
                for (int l = 0; l < 4; ++l) {
                    As[cur ^ 1][ak[l]][am[l]] = ra[l];
                    Bs[cur ^ 1][bk[l]][bn[l]] = rb[l];
                }
            }
            __syncthreads();
        }

#pragma unroll
        for (int i = 0; i < 8; ++i) {
            int r = m0 + ty + 16 * i;
            if (r >= M) continue;
#pragma unroll
            for (int j = 0; j < 8; ++j) {
                int c = n0 + tx + 16 * j;
                if (c >= N) continue;
                long long idx = (long long)r * ldc + c;
                float v = alpha * acc[i][j];
                Cz[idx] = beta == 0.0f ? v : fmaf(beta, Cz[idx], v);
            }
        }
        // the next batch's first store targets buffer 0; every thread has passed the
        // final barrier of the K loop (or the one after the prologue), so it is free
    }
}

#define DT 16

extern "C" __global__ void __launch_bounds__(256)
gemm_f64(const double* __restrict__ A, const double* __restrict__ B, double* __restrict__ C,
         int M, int N, int K, int transA, int transB, long long lda, long long ldb, long long ldc,
         long long strideA, long long strideB, long long strideC, int batch, double alpha, double beta) {
    __shared__ double As[DT][DT + 1];
    __shared__ double Bs[DT][DT + 1];
    const int tx = threadIdx.x & (DT - 1), ty = threadIdx.x / DT;
    const int row = blockIdx.y * DT + ty, col = blockIdx.x * DT + tx;
    for (long long z = blockIdx.z; z < batch; z += gridDim.z) {
        const double* Az = A + z * strideA;
        const double* Bz = B + z * strideB;
        double acc = 0.0;
        for (int k0 = 0; k0 < K; k0 += DT) {
            int ka = k0 + tx, kb = k0 + ty;
            As[ty][tx] = (row < M && ka < K) ? (transA ? Az[(long long)ka * lda + row] : Az[(long long)row * lda + ka]) : 0.0;
            Bs[ty][tx] = (kb < K && col < N) ? (transB ? Bz[(long long)col * ldb + kb] : Bz[(long long)kb * ldb + col]) : 0.0;
            __syncthreads();
#pragma unroll
            for (int k = 0; k < DT; ++k) acc = fma(As[ty][k], Bs[k][tx], acc);
            __syncthreads();
        }
        if (row < M && col < N) {
            double* c = C + z * strideC + (long long)row * ldc + col;
            *c = beta == 0.0 ? alpha * acc : fma(beta, *c, alpha * acc);
        }
    }
}

/* ---- launch notes ----------------------------------------------------------------------
 * gemm_<dt>(const T* A, const T* B, T* C, int M, int N, int K, int transA, int transB,
 *           long long lda, long long ldb, long long ldc, long long strideA,
 *           long long strideB, long long strideC, int batch, T alpha, T beta)
 *   transA/transB: 0 or 1. Leading dimensions and strides in elements. Row-major.
 *   For a plain matrix product: lda = transA ? M : K, ldb = transB ? K : N, ldc = N.
 * gemm_f32: block (256, 1, 1) exactly (the kernel's thread mapping assumes 256);
 *   grid (ceil(N/128), ceil(M/128), min(batch, 65535)). Static shared memory 16.5 KiB.
 * gemm_f64: block (256, 1, 1) exactly; grid (ceil(N/16), ceil(M/16), min(batch, 65535)).
 *   Static shared memory 4.3 KiB.
 * Preconditions: M, N >= 1, K >= 0, batch >= 1; ceil(M/tile) <= 65535 (gridDim.y).
 * --------------------------------------------------------------------------------------- */

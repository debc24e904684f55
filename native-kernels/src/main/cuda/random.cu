// random.cu — counter-based random numbers (Philox4x32-10) that match the CPU backend
// bit for bit, so a seeded CPU run predicts a GPU run (same init, same dropout masks).
//
// Philox4x32-10 (Salmon et al., Random123): key (k0, k1) = (lo32(seed), hi32(seed));
// round: (c0,c1,c2,c3) -> (hi(M1*c2) ^ c1 ^ k0, lo(M1*c2), hi(M0*c0) ^ c3 ^ k1, lo(M0*c0)),
// M0 = 0xD2511F53, M1 = 0xCD9E8D57; after each of the first 9 rounds the key is bumped by
// (W0, W1) = (0x9E3779B9, 0xBB67AE85); 10 rounds in all.
// Stream layout: element i of a call with stream offset `offset` has pos = offset + i,
// counter = (lo32(pos/4), hi32(pos/4), 0, 0); it uses word pos%4 of philox(counter).
//   uniform:  (r >> 8) * 2^-24 in [0, 1) — exact in float; f64 widens that float value.
//   normal:   words w of block pos/4, pair p = (pos%4)/2:
//             u1 = ((w[2p] >> 8) + 1) * 2^-24 in (0, 1], u2 = (w[2p+1] >> 8) * 2^-24,
//             z = sqrt(-2 ln u1) * (pos even ? cos(2 pi u2) : sin(2 pi u2)),
//             in float for f32 and double for f64.
//   dropout:  keep iff uniform >= p; mask = keep ? 1/(1-p) : 0 (computed in double and
//             rounded once, for f32 too); y = x * mask. The f32 kernel receives p as a
//             float, so masks match the CPU bit for bit when p is a float value (the CPU
//             compares with the double p: a p that is not representable as a float can
//             flip the rare element whose uniform lies between p and (float) p).
// The integer words and uniforms are exact. The normal transform uses the GPU's precise
// logf/sqrtf/cosf/sinf (<= 2 ulp); the multiplications are written with __fmul_rn so no
// FMA contraction changes the rounding relative to a plain Java float expression. A
// CPU implementation that uses different transcendental functions can differ in the
// last ulp or two of a normal sample; integer words, uniforms and dropout masks never do.

#include "common.cuh"

#define TWO_POW_M24 5.9604644775390625e-08f  // 2^-24

__device__ __forceinline__ unsigned int philox_word(unsigned long long pos, unsigned long long seed) {
    Philox4 w = philox4x32_10(pos >> 2, seed);
    unsigned int lane = (unsigned int)(pos & 3u);
    return lane == 0 ? w.v[0] : lane == 1 ? w.v[1] : lane == 2 ? w.v[2] : w.v[3];
}

__device__ __forceinline__ float uniform_at(unsigned long long pos, unsigned long long seed) {
    return (float)(philox_word(pos, seed) >> 8) * TWO_POW_M24;  // exact: 24-bit integer * 2^-24
}

__device__ __forceinline__ float normal_f32_at(unsigned long long pos, unsigned long long seed) {
    Philox4 w = philox4x32_10(pos >> 2, seed);
    unsigned int p = (unsigned int)((pos & 3u) >> 1);
    unsigned int a = p ? w.v[2] : w.v[0], b = p ? w.v[3] : w.v[1];
    float u1 = (float)((a >> 8) + 1u) * TWO_POW_M24;
    float u2 = (float)(b >> 8) * TWO_POW_M24;
    float radius = sqrtf(__fmul_rn(-2.0f, logf(u1)));
    float theta = __fmul_rn(6.2831853071795864769f, u2);  // (float) 2 pi
    return __fmul_rn(radius, (pos & 1u) == 0 ? cosf(theta) : sinf(theta));
}

__device__ __forceinline__ double normal_f64_at(unsigned long long pos, unsigned long long seed) {
    Philox4 w = philox4x32_10(pos >> 2, seed);
    unsigned int p = (unsigned int)((pos & 3u) >> 1);
    unsigned int a = p ? w.v[2] : w.v[0], b = p ? w.v[3] : w.v[1];
    double u1 = (double)((float)((a >> 8) + 1u) * TWO_POW_M24);
    double u2 = (double)((float)(b >> 8) * TWO_POW_M24);
    double radius = sqrt(__dmul_rn(-2.0, log(u1)));
    double theta = __dmul_rn(6.283185307179586476925, u2);  // (double) 2 pi
    return __dmul_rn(radius, (pos & 1u) == 0 ? cos(theta) : sin(theta));
}


extern "C" __global__ void uniform_f32(float* __restrict__ out, long long n, unsigned long long seed,
                                       unsigned long long offset) {
    NABLA_GRID_STRIDE(i, n) out[i] = uniform_at(offset + (unsigned long long)i, seed);
}

extern "C" __global__ void uniform_f64(double* __restrict__ out, long long n, unsigned long long seed,
                                       unsigned long long offset) {
    NABLA_GRID_STRIDE(i, n) out[i] = (double)uniform_at(offset + (unsigned long long)i, seed);
}

extern "C" __global__ void normal_f32(float* __restrict__ out, long long n, unsigned long long seed,
                                      unsigned long long offset) {
    NABLA_GRID_STRIDE(i, n) out[i] = normal_f32_at(offset + (unsigned long long)i, seed);
}

extern "C" __global__ void normal_f64(double* __restrict__ out, long long n, unsigned long long seed,
                                      unsigned long long offset) {
    NABLA_GRID_STRIDE(i, n) out[i] = normal_f64_at(offset + (unsigned long long)i, seed);
}

extern "C" __global__ void dropout_f32(const float* __restrict__ x, float* __restrict__ y,
                                       float* __restrict__ mask, long long n, float p,
                                       unsigned long long seed, unsigned long long offset) {
    // the CPU backend computes the scale in double and rounds once: (float)(1 / (1 - p));
    // 1.0f / (1.0f - p) rounds twice and can differ in the last bit
    const float scale = (float)(1.0 / (1.0 - (double)p));
    NABLA_GRID_STRIDE(i, n) {
        float m = uniform_at(offset + (unsigned long long)i, seed) >= p ? scale : 0.0f;
        mask[i] = m;
        y[i] = __fmul_rn(x[i], m);
    }
}

extern "C" __global__ void dropout_f64(const double* __restrict__ x, double* __restrict__ y,
                                       double* __restrict__ mask, long long n, double p,
                                       unsigned long long seed, unsigned long long offset) {
    const double scale = 1.0 / (1.0 - p);
    NABLA_GRID_STRIDE(i, n) {
        double m = (double)uniform_at(offset + (unsigned long long)i, seed) >= p ? scale : 0.0;
        mask[i] = m;
        y[i] = __dmul_rn(x[i], m);
    }
}

/* ---- launch notes ----------------------------------------------------------------------
 * uniform_<dt>(T* out, long long n, unsigned long long seed, unsigned long long offset)
 * normal_<dt>(T* out, long long n, unsigned long long seed, unsigned long long offset)
 * dropout_<dt>(const T* x, T* y, T* mask, long long n, T p, unsigned long long seed,
 *              unsigned long long offset)
 *   seed and offset are Java longs (bit pattern), passed as 64-bit values.
 *   After a call the caller advances its stream offset by n (one word per element;
 *   normal uses the words of its own block, so the same rule holds).
 *   1-D grid-stride; block 256, any grid; no shared memory. Precondition for dropout:
 *   0 <= p < 1 (p == 1 is handled by the caller as all zeros). Backward of dropout is
 *   mul_<dt>(gy, mask).
 * --------------------------------------------------------------------------------------- */

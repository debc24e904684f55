package dev.nabla.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * float32 GEMM on the {@code jdk.incubator.vector} API, GotoBLAS/BLIS style (see {@link CpuGemm} for the
 * contract). Loaded only when {@link CpuGemm} selects it, so only when the module is present.
 *
 * <p>Each thread takes one block of C, a range of rows or of columns (see {@link #splitColumns}), and packs
 * what it reads itself, so that a product forks once; ranges of columns with A read in place are claimed a
 * few at a time ({@link #SPLIT}); a row split with a small B packs B once for all threads and claims ranges of
 * rows ({@link #rowsSharingB}). Within a block: NC columns at a time; within them KC
 * steps of the inner dimension, for which op(B) is packed into NR-column micro-panels (KC x NR, zero-padded)
 * that stay in L2; then, for each MR-row micro-panel of op(A) (MR x KC, in L1), the micro-kernel runs against
 * every B micro-panel: an MR x NR tile of C in MR * 2 vector registers, one broadcast of A and one FMA per
 * register per k step, written to C once at the end (alpha, beta applied there; beta == 0 does not read C).
 * Partial tiles at the edges compute on the zero padding and store through a small buffer. With 512-bit
 * vectors (8-row tile) packed panels are interleaved (step p's MR elements together) and run through a kernel
 * of their own ({@link #kernelPacked}); a block with few B panels ({@link #PACK_PANELS}) reads a full panel of A
 * in place instead (packing costs more than the faster kernel saves there): MR rows of a plain A, or of a
 * transposed A the interleaved layout itself, MR contiguous elements per step, lda apart; only a last partial
 * micro-panel is packed. With 256-bit vectors (5-row tile) a plain A is packed one
 * micro-panel at a time, a transposed A MP micro-panels at a time (MP * MR x KC), and every packed panel is MR
 * rows of kc, as A's own rows lie. The summation order of every element is the same
 * whatever the split. Products too small for the
 * tile, or of a single row, go to {@link CpuGemmScalar}.
 * The float64 class {@link CpuGemmVectorD} is the same code with DoubleVector, less {@link #kernelPacked} and
 * the vector packing of A (its packed panels go through the general kernel, and only partial ones are packed).
 */
final class CpuGemmVectorF {
    /**
     * The vector shape: the CPU's preferred one, or {@code -Dnabla.cpu.gemmBits=256} or {@code 512} (any other
     * value: the preferred one). A test knob: the suite runs the GEMM tests at both widths, so that both register
     * tiles are checked on any machine; a width the CPU lacks runs in the Vector API's Java fallback, correct but
     * slow.
     */
    private static final VectorSpecies<Float> S = species();
    private static final int L = S.length();
    /**
     * Rows of the register tile: 8 with 512-bit vectors (16 accumulators of 32 registers), 5 with 256-bit ones
     * (10 accumulators, two B vectors and an A broadcast in AVX2's 16 registers). On Zen 3 with JDK 17, 8 rows
     * (19 live vectors) ran at 40-50 GFLOP/s against OpenBLAS's 89, 6 rows at 40-72 from one JVM to the next,
     * 5 rows at 70-76 (80-85 on JDK 25).
     */
    static final int MR = L >= 16 ? 8 : 5;
    /** Whether full panels of a plain A are read in place rather than packed (see {@link #block}). */
    private static final boolean IN_PLACE_A = MR == 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;
    private static final int KC = 256;
    /**
     * Blocks of columns per thread when C is split by columns and A is read in place: threads claim them one at
     * a time, so that a thread that starts late or is preempted (2 cores shared with other work) leaves its
     * share to the other rather than making the product wait; such blocks pack only their own B, so finer
     * blocks add no packing. Not for a transposed A: packed (256-bit vectors), it would be packed again for
     * each block; read in place, each block reads all of it ([128, 2048]^T x [2048, 384] on two threads of an
     * AVX-512 Xeon, paired with packing it: 1.04 of the time with 4 blocks per thread, 0.90 with one).
     */
    private static final int SPLIT = 4;
    /** Micro-panels of A packed together (MP * MR rows x KC, with the B block within L2). */
    private static final int MP = 16;
    /**
     * B micro-panels in a block at or above which the 8-row path packs every A micro-panel (interleaved) for
     * {@link #kernelPacked} instead of reading full ones in place: the faster kernel then repays the packing.
     * Paired in one JVM on an AVX-512 Xeon (JDK 17), packing against in place: a plain A (an 8 x 16 transpose in
     * registers per 16 steps), 1.14-1.18x the throughput on one thread with 8 or more panels (n = 256 to 1024,
     * the Transformer's [2048, 128] x [128, 384..512]), 1.02-1.06x with 4 (n = 128), 1.00 with 3; on two threads
     * 1.02-1.15x from 4 panels. A transposed A (copies, two panels and two steps per vector pair): from 2 panels,
     * 1.04-1.14x on one thread and 1.10-1.15x on two ([128..784, 2048..128]^T x [.., 128..512]).
     */
    private static final int PACK_PANELS = 4, PACK_PANELS_TRANSPOSED = 2;
    /**
     * Columns per packed block of B (a multiple of NR): KC x NC floats = 512 KiB, within L2. (On Zen 3's 512 KiB
     * L2, 256 KiB blocks measured 1-10% slower single-threaded at n = 1024 and 2048, 128 KiB ones 5-15%.)
     */
    private static final int NC = 512 / NR * NR;
    /**
     * Packed floats of B (256 KiB) up to which a row split packs all of B once for all threads ({@link #rowsSharingB}),
     * each range of rows then reading all of it from L2; a larger B is packed an inner block at a time by each
     * thread ({@link #block}). Alternated in one JVM on two threads of an AVX-512 Xeon: the Transformer's [2048, k]
     * x [k, n] and [2048, k] x [n, k]^T products (k*n up to 64K) ran at 1.00-1.16x the throughput shared, but its
     * weight gradients, [96..512, 2048]^T x [2048, 128] (256K), at 0.85-0.9x (each range of rows read all of B, half
     * of it first from the other core's cache, where the per-thread inner blocks stay in L1/L2).
     */
    private static final long SHARED_B = 1L << 16;
    /** k * n at or above which both threads pack the shared B, a panel at a time (below, the caller alone). */
    private static final long PARALLEL_PACK = 1L << 15;

    /** m * n * k at or below which the scalar direct loops win. */
    private static final long SMALL = 16 * 16 * 16;
    /**
     * Floating-point operations a thread's block should have at least (about 10 us): handing work to a worker
     * costs microseconds, more on a busy machine, and a smaller grain made products of a few hundred kFLOP (an
     * MLP's 10-output layer) several times slower on two threads than on one.
     */
    private static final long GRAIN_FLOPS = 1L << 20;

    /** For {@link #packInterleaved} with 16 lanes (2 MR): the halves of a vector swapped; lanes 8-15; lanes 0-7. */
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(S, k -> (k + L / 2) % L);
    private static final VectorMask<Float> UPPER_HALF = S.indexInRange(-L / 2, L / 2),
            LOWER_HALF = S.indexInRange(0, L / 2);

    /**
     * For {@link #transposeRowsLo} with 16 lanes: lane k takes lane k / 2 (LO) or 8 + k / 2 (HI) of a vector; with
     * a blend on the ODD lanes, two vectors' halves interleaved.
     */
    private static final VectorShuffle<Float> SPREAD_LO = VectorShuffle.fromOp(S, k -> k / 2),
            SPREAD_HI = VectorShuffle.fromOp(S, k -> L / 2 + k / 2);
    private static final VectorMask<Float> ODD = VectorMask.fromLong(S, 0xAAAAAAAAAAAAAAAAL);

    private static final ThreadLocal<float[]> B_PACK = new ThreadLocal<>();
    /** The calling thread's buffer for {@link #rowsSharingB}'s packed B, read by every thread of the product. */
    private static final ThreadLocal<float[]> B_SHARED = new ThreadLocal<>();
    private static final ThreadLocal<float[]> A_PACK = new ThreadLocal<>();

    private CpuGemmVectorF() {}

    private static VectorSpecies<Float> species() {
        int bits = Integer.getInteger("nabla.cpu.gemmBits", 0);
        return bits == 256 ? FloatVector.SPECIES_256 : bits == 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    }

    /** Null when this path can run well here, else why not. */
    static String unusableReason() {
        return S.vectorBitSize() < 256 ? "the CPU's preferred vectors are " + S.vectorBitSize() + " bits" : null;
    }

    static String describe() {
        return S.vectorBitSize() + "-bit vectors, " + MR + "x" + NR + " float tile";
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0f) {
            CpuGemmScalar.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        // Narrow products (n < NR, down to n = 1) stay on the tile: computing on the zero padding of a B
        // micro-panel still runs 2.4-8 times faster than the scalar loops (n = 10: about 26 against 4 GFLOP/s).
        if (m < 2 || (long) m * n * k <= SMALL) {
            CpuGemmScalar.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int mPanels = (m + MR - 1) / MR, nPanels = (n + NR - 1) / NR;
        int chunks = (int) Math.min(CpuThreads.threads(), Math.max(1, 2L * m * n * k / GRAIN_FLOPS));
        boolean byColumns = chunks > 1 && splitColumns(transA, transB, m, n, nPanels, chunks);
        int units = byColumns ? nPanels : mPanels;
        int blocks = chunks > 1 && byColumns && !transA && IN_PLACE_A ? Math.min(units, chunks * SPLIT) : chunks;
        if (blocks > chunks) {
            AtomicInteger next = new AtomicInteger();
            CpuThreads.parallelFor(chunks, 1, (f, t) -> {
                for (int q; (q = next.getAndIncrement()) < blocks; ) {
                    int from = (int) ((long) units * q / blocks), to = (int) ((long) units * (q + 1) / blocks);
                    block(transA, transB, 0, m, from * NR, Math.min(n, to * NR), k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }
            });
            return;
        }
        if (chunks > 1 && !byColumns && n <= NC && (long) k * nPanels * NR <= SHARED_B) {
            rowsSharingB(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, chunks);
            return;
        }
        CpuThreads.parallelFor(units, Math.max(1, units / chunks), (from, to) -> {
            if (byColumns) {
                block(transA, transB, 0, m, from * NR, Math.min(n, to * NR), k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                block(transA, transB, from * MR, Math.min(m, to * MR), 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        });
    }

    /**
     * The row split for a B of at most one column block (n <= NC) and {@link #SHARED_B} floats packed: op(B) is
     * packed once, all of its inner blocks, into one buffer the threads share (by both, panel by panel, when it is
     * large), then the threads claim ranges of A's rows until none is left, each range through every inner
     * block: ranges of MP micro-panels (one packed group of a transposed A), or fewer where that leaves fewer
     * ranges than threads, their count a multiple of the threads'. (Ranges of one to eight micro-panels, each
     * reading all of B, ran a [96, 2048]^T x [2048, 128] product at 0.7 of the throughput.) Against each thread packing
     * all of B for one static half of the rows: no packing twice, and a thread that starts late (a parked worker
     * waking up) or runs slower (a busy host) takes fewer ranges instead of making the other wait. The
     * summation order of every element is the same as in {@link #block}.
     */
    private static void rowsSharingB(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float beta, float[] c, int cOff, int ldc, int chunks) {
        int nPanels = (n + NR - 1) / NR, kBlocks = (k + KC - 1) / KC, mPanels = (m + MR - 1) / MR;
        float[] bp = buffer(B_SHARED, k * nPanels * NR);
        // inner block p0's panel q at bp[p0 * nPanels * NR + q * kc * NR], as block() packs one inner block
        CpuThreads.RangeBody pack = (from, to) -> {
            for (int u = from; u < to; u++) {
                int p0 = u / nPanels * KC, q = u % nPanels, kc = Math.min(KC, k - p0);
                packB(transB, b, bOff, ldb, p0, q * NR, kc, Math.min(NR, n - q * NR), bp, p0 * nPanels * NR + q * kc * NR);
            }
        };
        if ((long) k * n >= PARALLEL_PACK) CpuThreads.parallelFor(kBlocks * nPanels, 1, pack);
        else pack.run(0, kBlocks * nPanels);
        int ranges = roundUp(Math.max(chunks, (mPanels + MP - 1) / MP), chunks), per = (mPanels + ranges - 1) / ranges;
        int claims = (mPanels + per - 1) / per;
        AtomicInteger next = new AtomicInteger();
        CpuThreads.parallelFor(chunks, 1, (f, t) -> {
            for (int q; (q = next.getAndIncrement()) < claims; ) {
                block(transA, transB, q * per * MR, Math.min(m, (q + 1) * per * MR), 0, n, k, alpha, a, aOff, lda,
                        b, bOff, ldb, beta, c, cOff, ldc, bp);
            }
        });
    }

    /**
     * Whether threads take ranges of columns of C rather than of rows. Each thread packs what it reads, so that the
     * product forks once: a range of columns packs only its own B but reads all of A (and, where A is packed, packs
     * all of it); a range of rows packs all of B. Rows when the micro-panels of columns divide badly (over 25% idle).
     * Otherwise, with 512-bit vectors:
     * <ul>
     *   <li>a plain A (read in place unless the block has PACK_PANELS B panels): columns unless A has at least 4
     *       times B's columns in rows. A range of columns reads all of A, from L2 or beyond, for few micro-panels of
     *       B, in place and so through the slower general kernel (a Transformer's [2048, 128] x [128, 384]: every
     *       column block read A's 1 MiB for 1.5 micro-panels). Alternating the two policies product by product on
     *       two threads of an AVX-512 Xeon: rows took 0.88-0.96 of the time of columns for the Transformer's
     *       [2048, k] x [k, n] (n = 128 to 512, k = 128 to 512), the same (0.98-1.01) for square products and the
     *       MLP's. A transposed B once took columns up to 8 times (its packing costs more); since
     *       {@link #kernelPacked}, rows ran the Transformer's [2048, 128] x [384..512, 128]^T at 229-269 GFLOP/s
     *       against 198-227 by columns.</li>
     *   <li>a transposed A (packed from PACK_PANELS_TRANSPOSED B panels, by every thread that reads it): columns
     *       only when A has fewer than half B's columns in rows. Rows against columns, alternated: 1.04-1.13x the
     *       throughput for the Transformer's weight gradients [96..384, 2048]^T x [2048, 128] and the MLP's
     *       [784, 128]^T x [128, 256].</li>
     * </ul>
     * With 256-bit vectors every A is packed: columns when A has fewer rows than B columns, as it is then the
     * smaller operand to pack twice ([128, 2048]^T x [2048, 128] on rows: 0.83 of the time). (On Zen 3 the
     * Transformer's [2048, 512] x [512, 128], split by columns into 8 blocks that each packed all of A, ran at 80
     * GFLOP/s on two threads inside a training step, and the packing took 7% of the step.)
     */
    private static boolean splitColumns(boolean transA, boolean transB, int m, int n, int nPanels, int chunks) {
        int perChunk = (nPanels + chunks - 1) / chunks;
        if (4L * perChunk * chunks > 5L * nPanels) return false;
        if (IN_PLACE_A) return transA ? 2L * m < n : m < 4L * n;
        return m < n;
    }

    /** Rows [i0, i1) x columns [j0, j1) of C, on the calling thread (i0 a multiple of MR, j0 of NR). */
    private static void block(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        block(transA, transB, i0, i1, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
    }

    /**
     * {@link #block}; with {@code shared} non-null, op(B) (all of it: j0 = 0, j1 = n <= NC) already packed there by
     * {@link #rowsSharingB}, every inner block after the other.
     */
    private static void block(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc, float[] shared) {
        float[] bp = shared != null ? shared : buffer(B_PACK, Math.min(KC, k) * Math.min(NC, roundUp(j1 - j0, NR)));
        float[] ap = buffer(A_PACK, MP * MR * KC);
        float[] tmp = new float[MR * NR];
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc), nPanels = (nc + NR - 1) / NR;
            boolean packAll = IN_PLACE_A && nPanels >= (transA ? PACK_PANELS_TRANSPOSED : PACK_PANELS);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                int bb = shared != null ? p0 * nPanels * NR : 0; // this inner block's panels in bp
                if (shared == null) packB(transB, b, bOff, ldb, p0, jc, kc, nc, bp, 0);
                float bt = p0 == 0 ? beta : 1f;
                for (int g = i0; g < i1; g += MP * MR) {
                    int gEnd = Math.min(i1, g + MP * MR);
                    boolean groupPacked = transA && (!IN_PLACE_A || packAll);
                    if (groupPacked) packA(true, a, aOff, lda, g, gEnd, p0, kc, ap);
                    for (int r0 = g; r0 < gEnd; r0 += MR) {
                        int rows = Math.min(MR, i1 - r0);
                        // With 512-bit vectors a full panel of A is read in place when the block has fewer than
                        // PACK_PANELS (transposed: PACK_PANELS_TRANSPOSED) B panels: MR rows, each contiguous, or for
                        // a transposed A, MR contiguous elements per step (the interleaved layout, steps lda apart;
                        // with the general kernel for packed panels too and a scalar copy, in place took 0.84-0.92
                        // of the time of packing on two threads of an AVX-512 Xeon for [128..512, 2048]^T x [2048,
                        // 128..512]). With 256-bit ones it is packed: on Zen 3, in place ran at 40 to 75 GFLOP/s
                        // depending on where the arrays lay (from one allocation to the next in the same JVM;
                        // probably A's rows, lda apart, contending with the B panel for L1 sets); packed, at 72-78.
                        float[] src = ap;
                        // packed: MR rows of kc (5-row tile), or interleaved for kernelPacked (no strides needed)
                        int ai = (r0 - g) * kc, rs = kc, ps = 1;
                        if (IN_PLACE_A && rows == MR && !packAll) {
                            src = a;
                            ai = transA ? aOff + p0 * lda + r0 : aOff + r0 * lda + p0;
                            rs = transA ? 1 : lda;
                            ps = transA ? lda : 1;
                        } else if (!groupPacked) {
                            packA(transA, a, aOff, lda, r0, Math.min(i1, r0 + MR), p0, kc, ap);
                            ai = 0;
                        }
                        for (int jr = 0; jr < nPanels; jr++) {
                            int cols = Math.min(NR, nc - jr * NR);
                            if (MR == 8 && src == ap) {
                                kernelPacked(kc, ap, ai, bp, bb + jr * kc * NR, c, cOff + r0 * ldc + jc + jr * NR, ldc,
                                        alpha, bt, rows, cols, tmp);
                            } else if (MR == 8) {
                                kernel(kc, src, ai, rs, ps, bp, bb + jr * kc * NR, c, cOff + r0 * ldc + jc + jr * NR, ldc,
                                        alpha, bt, rows, cols, tmp);
                            } else {
                                kernel5(kc, src, ai, rs, bp, bb + jr * kc * NR, c, cOff + r0 * ldc + jc + jr * NR, ldc,
                                        alpha, bt, rows, cols, tmp);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int q) {
        return (x + q - 1) / q * q;
    }

    private static float[] buffer(ThreadLocal<float[]> cache, int size) {
        float[] buf = cache.get();
        if (buf == null || buf.length < size) {
            buf = new float[size];
            cache.set(buf);
        }
        return buf;
    }

    /** op(B)[p0 .. p0+kc, j0 .. j0+nc] as micro-panels: bp[bpOff + q*kc*NR + p*NR + j], zero-padded. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int j0, int kc, int nc, float[] bp,
                              int bpOff) {
        for (int q = 0, panels = (nc + NR - 1) / NR; q < panels; q++) {
            int col = j0 + q * NR, cols = Math.min(NR, nc - q * NR), dst = bpOff + q * kc * NR;
            if (!transB && cols == NR) {
                for (int p = 0, src = bOff + p0 * ldb + col; p < kc; p++, src += ldb, dst += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                }
            } else if (!transB) {
                for (int p = 0, src = bOff + p0 * ldb + col; p < kc; p++, src += ldb, dst += NR) {
                    for (int j = 0; j < cols; j++) bp[dst + j] = b[src + j];
                    for (int j = cols; j < NR; j++) bp[dst + j] = 0f;
                }
            } else {
                // A transpose: read B's rows (op(B)'s columns) two at a time, each contiguous, so that each
                // write fills two adjacent floats; one row at a time runs about 1.5 times slower.
                int j = 0;
                for (; j + 1 < cols; j += 2) {
                    int s0 = bOff + (col + j) * ldb + p0, s1 = s0 + ldb;
                    for (int p = 0, d = dst + j; p < kc; p++, d += NR) {
                        bp[d] = b[s0 + p];
                        bp[d + 1] = b[s1 + p];
                    }
                }
                for (; j < cols; j++) {
                    int s0 = bOff + (col + j) * ldb + p0;
                    for (int p = 0, d = dst + j; p < kc; p++, d += NR) bp[d] = b[s0 + p];
                }
                for (j = cols; j < NR; j++) for (int p = 0, d = dst + j; p < kc; p++, d += NR) bp[d] = 0f;
            }
        }
    }

    /**
     * Rows [i0, i1) of op(A)[., p0 .. p0+kc] as consecutive micro-panels, each MR rows of kc: row i at
     * ap[(i-i0)*kc + p] (the layout of A's own rows, so that the kernel reads packed and in-place panels alike);
     * rows of the last panel past i1 are zero. The 8-row kernel's panels are interleaved instead
     * ({@link #packInterleaved}): there a transposed A packs by plain copies.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int i1, int p0, int kc, float[] ap) {
        if (MR == 8) {
            packInterleaved(transA, a, aOff, lda, i0, i1, p0, kc, ap);
            return;
        }
        int rowsAll = i1 - i0, padded = roundUp(rowsAll, MR);
        if (!transA) {
            for (int i = 0; i < rowsAll; i++) System.arraycopy(a, aOff + (i0 + i) * lda + p0, ap, i * kc, kc);
        } else {
            // op(A) row i is column i of A: each of A's rows gives step p of MR rows at a time (contiguous reads,
            // MR sequential write streams).
            for (int q = 0; q < rowsAll; q += MR) {
                int rows = Math.min(MR, rowsAll - q), dst = q * kc;
                for (int p = 0, src = aOff + p0 * lda + i0 + q; p < kc; p++, src += lda) {
                    for (int r = 0; r < rows; r++) ap[dst + r * kc + p] = a[src + r];
                }
            }
        }
        if (padded > rowsAll) java.util.Arrays.fill(ap, rowsAll * kc, padded * kc, 0f);
    }

    /**
     * {@link #packA} for the 8-row kernel (512-bit vectors): row i at ap[((i-i0)/MR)*MR*kc + p*MR + (i-i0)%MR],
     * each step's MR elements together (read with rs = 1, ps = MR); rows of the last panel past i1 are zero.
     */
    private static void packInterleaved(boolean transA, float[] a, int aOff, int lda, int i0, int i1, int p0, int kc, float[] ap) {
        int rowsAll = i1 - i0, full = rowsAll / MR, rem = rowsAll % MR;
        if (!transA) {
            // With 16-lane vectors, full panels 16 steps at a time: an 8 x 16 transpose in registers (see
            // transposeRowsLo); the rest element by element.
            int vp = L == 2 * MR ? kc - kc % L : 0;
            for (int q = 0; q < full && vp > 0; q++) {
                int src = aOff + (i0 + q * MR) * lda + p0, dst = q * MR * kc;
                for (int p = 0; p < vp; p += L) {
                    transposeRowsLo(a, src + p, lda, ap, dst + p * MR);
                    transposeRowsHi(a, src + p, lda, ap, dst + (p + 8) * MR);
                }
            }
            for (int i = 0; i < rowsAll; i++) {
                int src = aOff + (i0 + i) * lda + p0, dst = (i / MR) * MR * kc + i % MR;
                for (int p = i < full * MR ? vp : 0; p < kc; p++) ap[dst + p * MR] = a[src + p];
            }
            if (rem != 0) {
                int dst = full * MR * kc;
                for (int p = 0; p < kc; p++) for (int r = rem; r < MR; r++) ap[dst + p * MR + r] = 0f;
            }
            return;
        }
        // op(A) row i is column i of A: along each of A's rows, every MR consecutive elements are one
        // micro-panel's step p, copied whole. (A FloatVector of MR lanes is no faster here, and on JDK 17 its
        // store is not intrinsified next to the kernel's wider species.) With 16-lane vectors, pairs of panels
        // and of steps first: one load holds a step of two panels, and two such (steps p, p + 1) make, by one
        // half swap and a blend each, the 16 floats at step p of either panel.
        int pairs = L == 2 * MR ? full / 2 : 0, steps = kc & ~1;
        for (int q = 0; q < pairs; q++) {
            int src = aOff + p0 * lda + i0 + 2 * q * MR, dst = 2 * q * MR * kc;
            for (int p = 0; p < steps; p += 2, src += 2 * lda, dst += 2 * MR) {
                FloatVector v0 = FloatVector.fromArray(S, a, src), v1 = FloatVector.fromArray(S, a, src + lda);
                v0.blend(v1.rearrange(SWAP_HALVES), UPPER_HALF).intoArray(ap, dst);
                v1.blend(v0.rearrange(SWAP_HALVES), LOWER_HALF).intoArray(ap, dst + MR * kc);
            }
        }
        for (int p = 0; p < kc; p++) {
            int src = aOff + (p0 + p) * lda + i0, dst = p * MR;
            for (int q = p < steps ? 2 * pairs : 0; q < full; q++) {
                for (int r = 0, at = src + q * MR, to = dst + q * MR * kc; r < MR; r++) ap[to + r] = a[at + r];
            }
            src += full * MR;
            dst += full * MR * kc;
            if (rem != 0) {
                for (int r = 0; r < rem; r++) ap[dst + r] = a[src + r];
                for (int r = rem; r < MR; r++) ap[dst + r] = 0f;
            }
        }
    }

    /**
     * Steps 0-7 of 16 of a full plain-A micro-panel into the interleaved layout: {@code ap[dst + p * MR + r] =
     * a[src + r * lda + p]} for r < MR, p < 8. Three rounds of interleaving two vectors (spread by one shuffle
     * each, blended on the odd lanes): rows k with k + 4, then with k + 2, then even rows with odd. Steps 8-15 in
     * {@link #transposeRowsHi}, a method of its own so that C2 intrinsifies every vector call (see
     * CpuConvWinogradVector.inputTiles), and with its own first-round shuffle (a shuffle passed in would not be
     * a compile-time constant).
     */
    private static void transposeRowsLo(float[] a, int src, int lda, float[] ap, int dst) {
        FloatVector r0 = FloatVector.fromArray(S, a, src), r1 = FloatVector.fromArray(S, a, src + lda);
        FloatVector r2 = FloatVector.fromArray(S, a, src + 2 * lda), r3 = FloatVector.fromArray(S, a, src + 3 * lda);
        FloatVector r4 = FloatVector.fromArray(S, a, src + 4 * lda), r5 = FloatVector.fromArray(S, a, src + 5 * lda);
        FloatVector r6 = FloatVector.fromArray(S, a, src + 6 * lda), r7 = FloatVector.fromArray(S, a, src + 7 * lda);
        // rows k and k + 4 interleaved, steps 0-7: [r_k, r_k+4] per step
        FloatVector a0 = r0.rearrange(SPREAD_LO).blend(r4.rearrange(SPREAD_LO), ODD);
        FloatVector a1 = r1.rearrange(SPREAD_LO).blend(r5.rearrange(SPREAD_LO), ODD);
        FloatVector a2 = r2.rearrange(SPREAD_LO).blend(r6.rearrange(SPREAD_LO), ODD);
        FloatVector a3 = r3.rearrange(SPREAD_LO).blend(r7.rearrange(SPREAD_LO), ODD);
        // then with k + 2: [r_k, r_k+2, r_k+4, r_k+6] per step, 4 steps per vector
        FloatVector b00 = a0.rearrange(SPREAD_LO).blend(a2.rearrange(SPREAD_LO), ODD);
        FloatVector b01 = a0.rearrange(SPREAD_HI).blend(a2.rearrange(SPREAD_HI), ODD);
        FloatVector b10 = a1.rearrange(SPREAD_LO).blend(a3.rearrange(SPREAD_LO), ODD);
        FloatVector b11 = a1.rearrange(SPREAD_HI).blend(a3.rearrange(SPREAD_HI), ODD);
        // then even rows with odd ones: all 8 rows in order per step, 2 steps per vector
        b00.rearrange(SPREAD_LO).blend(b10.rearrange(SPREAD_LO), ODD).intoArray(ap, dst);
        b00.rearrange(SPREAD_HI).blend(b10.rearrange(SPREAD_HI), ODD).intoArray(ap, dst + 2 * MR);
        b01.rearrange(SPREAD_LO).blend(b11.rearrange(SPREAD_LO), ODD).intoArray(ap, dst + 4 * MR);
        b01.rearrange(SPREAD_HI).blend(b11.rearrange(SPREAD_HI), ODD).intoArray(ap, dst + 6 * MR);
    }

    /** {@link #transposeRowsLo} for steps 8-15 of the 16, written from {@code ap[dst]} (step 8). */
    private static void transposeRowsHi(float[] a, int src, int lda, float[] ap, int dst) {
        FloatVector r0 = FloatVector.fromArray(S, a, src), r1 = FloatVector.fromArray(S, a, src + lda);
        FloatVector r2 = FloatVector.fromArray(S, a, src + 2 * lda), r3 = FloatVector.fromArray(S, a, src + 3 * lda);
        FloatVector r4 = FloatVector.fromArray(S, a, src + 4 * lda), r5 = FloatVector.fromArray(S, a, src + 5 * lda);
        FloatVector r6 = FloatVector.fromArray(S, a, src + 6 * lda), r7 = FloatVector.fromArray(S, a, src + 7 * lda);
        // rows k and k + 4 interleaved, steps 8-15: [r_k, r_k+4] per step
        FloatVector a0 = r0.rearrange(SPREAD_HI).blend(r4.rearrange(SPREAD_HI), ODD);
        FloatVector a1 = r1.rearrange(SPREAD_HI).blend(r5.rearrange(SPREAD_HI), ODD);
        FloatVector a2 = r2.rearrange(SPREAD_HI).blend(r6.rearrange(SPREAD_HI), ODD);
        FloatVector a3 = r3.rearrange(SPREAD_HI).blend(r7.rearrange(SPREAD_HI), ODD);
        // then with k + 2: [r_k, r_k+2, r_k+4, r_k+6] per step, 4 steps per vector
        FloatVector b00 = a0.rearrange(SPREAD_LO).blend(a2.rearrange(SPREAD_LO), ODD);
        FloatVector b01 = a0.rearrange(SPREAD_HI).blend(a2.rearrange(SPREAD_HI), ODD);
        FloatVector b10 = a1.rearrange(SPREAD_LO).blend(a3.rearrange(SPREAD_LO), ODD);
        FloatVector b11 = a1.rearrange(SPREAD_HI).blend(a3.rearrange(SPREAD_HI), ODD);
        // then even rows with odd ones: all 8 rows in order per step, 2 steps per vector
        b00.rearrange(SPREAD_LO).blend(b10.rearrange(SPREAD_LO), ODD).intoArray(ap, dst);
        b00.rearrange(SPREAD_HI).blend(b10.rearrange(SPREAD_HI), ODD).intoArray(ap, dst + 2 * MR);
        b01.rearrange(SPREAD_LO).blend(b11.rearrange(SPREAD_LO), ODD).intoArray(ap, dst + 4 * MR);
        b01.rearrange(SPREAD_HI).blend(b11.rearrange(SPREAD_HI), ODD).intoArray(ap, dst + 6 * MR);
    }

    /**
     * C[ci ..] (rows x cols of it) = alpha * (A micro-panel x B micro-panel at bi) + beta * C. Element (r, p)
     * of the A micro-panel is {@code a[ai + r * rs + p * ps]}: A in place, its rows (rs = lda, ps = 1) or, for a
     * transposed A, its columns (rs = 1, ps = lda); packed panels go to {@link #kernelPacked}.
     */
    private static void kernel(int kc, float[] a, int ai, int rs, int ps, float[] bp, int bi, float[] c, int ci, int ldc,
                               float alpha, float beta, int rows, int cols, float[] tmp) {
        int r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ai += ps, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + rs]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + r2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + r3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + r4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + r5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + r6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + r7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        // A full tile with alpha 1 and beta 0 (most products) goes from the registers to C: the same roundings as
        // store() (alpha * v is v), without the round trip through tmp, which cost products with a short inner
        // dimension (K = 10 to 128 in an MLP's backward pass) 3-25% of their time. Any other tile, C + tile (every
        // K panel after the first) included, goes to tmp, then store(); both through one set of stores. (With a set
        // per case, and C + tile in registers too, C2 (JDK 17) at times passed its node budget before
        // intrinsifying the last stores, which then boxed their vectors.)
        boolean direct = rows == MR && cols == NR && alpha == 1f && beta == 0f;
        float[] dst = direct ? c : tmp;
        int o = direct ? ci : 0, ld = direct ? ldc : NR;
        c00.intoArray(dst, o);
        c01.intoArray(dst, o + L);
        o += ld;
        c10.intoArray(dst, o);
        c11.intoArray(dst, o + L);
        o += ld;
        c20.intoArray(dst, o);
        c21.intoArray(dst, o + L);
        o += ld;
        c30.intoArray(dst, o);
        c31.intoArray(dst, o + L);
        o += ld;
        c40.intoArray(dst, o);
        c41.intoArray(dst, o + L);
        o += ld;
        c50.intoArray(dst, o);
        c51.intoArray(dst, o + L);
        o += ld;
        c60.intoArray(dst, o);
        c61.intoArray(dst, o + L);
        o += ld;
        c70.intoArray(dst, o);
        c71.intoArray(dst, o + L);
        if (!direct) store(tmp, c, ci, ldc, alpha, beta, rows, cols);
    }

    /**
     * {@link #kernel} for an interleaved packed A micro-panel (element (r, p) at {@code a[ai + p * MR + r]}), every
     * index in the k loop the loop counter times a constant plus a loop-invariant offset: C2 then checks the
     * bounds once for the loop rather than per load, and the 8 A reads share one address. 1.15-1.2x the
     * throughput of the general kernel on L1/L2-resident panels (153-162 against 133-135 GFLOP/s on one thread
     * of an AVX-512 Xeon, JDK 17; the general kernel ran alike on packed, in-place and transposed panels).
     */
    private static void kernelPacked(int kc, float[] a, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                                     float alpha, float beta, int rows, int cols, float[] tmp) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        FloatVector c50 = z, c51 = z;
        FloatVector c60 = z, c61 = z;
        FloatVector c70 = z, c71 = z;
        for (int p = 0; p < kc; p++) {
            int aj = ai + p * MR, bj = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bj), b1 = FloatVector.fromArray(S, bp, bj + L);
            FloatVector a0 = FloatVector.broadcast(S, a[aj]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[aj + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[aj + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[aj + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[aj + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[aj + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[aj + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[aj + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        // As in kernel: one set of stores, to C for a full tile with alpha 1 and beta 0, else to tmp.
        boolean direct = rows == MR && cols == NR && alpha == 1f && beta == 0f;
        float[] dst = direct ? c : tmp;
        int o = direct ? ci : 0, ld = direct ? ldc : NR;
        c00.intoArray(dst, o);
        c01.intoArray(dst, o + L);
        o += ld;
        c10.intoArray(dst, o);
        c11.intoArray(dst, o + L);
        o += ld;
        c20.intoArray(dst, o);
        c21.intoArray(dst, o + L);
        o += ld;
        c30.intoArray(dst, o);
        c31.intoArray(dst, o + L);
        o += ld;
        c40.intoArray(dst, o);
        c41.intoArray(dst, o + L);
        o += ld;
        c50.intoArray(dst, o);
        c51.intoArray(dst, o + L);
        o += ld;
        c60.intoArray(dst, o);
        c61.intoArray(dst, o + L);
        o += ld;
        c70.intoArray(dst, o);
        c71.intoArray(dst, o + L);
        if (!direct) store(tmp, c, ci, ldc, alpha, beta, rows, cols);
    }

    /**
     * {@link #kernel} for a 5-row tile (256-bit vectors). Every index in the k loop is the loop counter plus a
     * loop-invariant offset (times a constant for B), so that C2 can move the bounds checks out of the loop (with
     * 6 rows, JDK 25 ran this form at 84-89 GFLOP/s against 48-88 for stepped indices; JDK 17 alike for 5 rows).
     */
    private static void kernel5(int kc, float[] a, int ai, int rs, float[] bp, int bi, float[] c, int ci, int ldc,
                               float alpha, float beta, int rows, int cols, float[] tmp) {
        int a1 = ai + rs, a2 = ai + 2 * rs, a3 = ai + 3 * rs, a4 = ai + 4 * rs;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z;
        FloatVector c10 = z, c11 = z;
        FloatVector c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z;
        for (int p = 0; p < kc; p++) {
            int bj = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bj), b1 = FloatVector.fromArray(S, bp, bj + L);
            FloatVector v0 = FloatVector.broadcast(S, a[ai + p]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            FloatVector v1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            FloatVector v2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            FloatVector v3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
            FloatVector v4 = FloatVector.broadcast(S, a[a4 + p]);
            c40 = v4.fma(b0, c40);
            c41 = v4.fma(b1, c41);
        }
        // As in kernel: one set of stores, to C for a full tile with alpha 1 and beta 0, else to tmp.
        boolean direct = rows == MR && cols == NR && alpha == 1f && beta == 0f;
        float[] dst = direct ? c : tmp;
        int o = direct ? ci : 0, ld = direct ? ldc : NR;
        c00.intoArray(dst, o);
        c01.intoArray(dst, o + L);
        o += ld;
        c10.intoArray(dst, o);
        c11.intoArray(dst, o + L);
        o += ld;
        c20.intoArray(dst, o);
        c21.intoArray(dst, o + L);
        o += ld;
        c30.intoArray(dst, o);
        c31.intoArray(dst, o + L);
        o += ld;
        c40.intoArray(dst, o);
        c41.intoArray(dst, o + L);
        if (!direct) store(tmp, c, ci, ldc, alpha, beta, rows, cols);
    }

    /**
     * C tile (rows x cols at ci) = alpha * tile + beta * C, C unread when beta == 0. Separate from the kernel
     * (whose accumulators go through the small tile buffer) so that C2 keeps the kernel within its inlining
     * budget. Full tiles with alpha == 1 and beta == 0 (most products) skip it: the kernel stores them.
     */
    private static void store(float[] tmp, float[] c, int ci, int ldc, float alpha, float beta, int rows, int cols) {
        if (cols == NR) {
            FloatVector av = FloatVector.broadcast(S, alpha), bv = FloatVector.broadcast(S, beta);
            for (int r = 0, t = 0, o = ci; r < rows; r++, t += NR, o += ldc) {
                FloatVector v0 = FloatVector.fromArray(S, tmp, t), v1 = FloatVector.fromArray(S, tmp, t + L);
                if (beta == 0f) {
                    v0.mul(av).intoArray(c, o);
                    v1.mul(av).intoArray(c, o + L);
                } else {
                    v0.fma(av, FloatVector.fromArray(S, c, o).mul(bv)).intoArray(c, o);
                    v1.fma(av, FloatVector.fromArray(S, c, o + L).mul(bv)).intoArray(c, o + L);
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int o = ci + r * ldc;
                for (int j = 0; j < cols; j++) {
                    float v = alpha * tmp[r * NR + j];
                    c[o + j] = beta == 0f ? v : v + beta * c[o + j];
                }
            }
        }
    }
}

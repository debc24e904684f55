package dev.nabla.runtime.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * float64 GEMM on the {@code jdk.incubator.vector} API, GotoBLAS/BLIS style (see {@link CpuGemm} for the
 * contract). Loaded only when {@link CpuGemm} selects it, so only when the module is present.
 *
 * <p>Each thread takes one block of C, a range of rows or of columns (see {@link #splitColumns}), and packs
 * what it reads itself, so that a product forks once; ranges of columns with A read in place are claimed a
 * few at a time ({@link #SPLIT}). Within a block: NC columns at a time; within them KC
 * steps of the inner dimension, for which op(B) is packed into NR-column micro-panels (KC x NR, zero-padded)
 * that stay in L2; then, for each MR-row micro-panel of op(A) (MR x KC, in L1), the micro-kernel runs against
 * every B micro-panel: an MR x NR tile of C in MR * 2 vector registers, one broadcast of A and one FMA per
 * register per k step, written to C once at the end (alpha, beta applied there; beta == 0 does not read C).
 * Partial tiles at the edges compute on the zero padding and store through a small buffer. With 512-bit
 * vectors (8-row tile) packed panels are interleaved (step p's MR elements together) and a full panel of A is
 * read in place: MR rows of a plain A (packing it, a transpose, cost 10-25% of the time of products with N
 * near 128), or of a transposed A the interleaved layout itself, MR contiguous elements per step, lda apart;
 * only a last partial micro-panel is packed. With 256-bit vectors (5-row tile) a plain A is packed one
 * micro-panel at a time, a transposed A MP micro-panels at a time (MP * MR x KC), and every packed panel is MR
 * rows of kc, as A's own rows lie. The summation order of every element is the same
 * whatever the split. Products too small for the
 * tile, or of a single row, go to {@link CpuGemmScalar}.
 * The float32 class {@link CpuGemmVectorF} is the same code with FloatVector.
 */
final class CpuGemmVectorD {
    /**
     * The vector shape: the CPU's preferred one, or {@code -Dnabla.cpu.gemmBits=256} or {@code 512} (any other
     * value: the preferred one). A test knob: the suite runs the GEMM tests at both widths, so that both register
     * tiles are checked on any machine; a width the CPU lacks runs in the Vector API's Java fallback, correct but
     * slow.
     */
    private static final VectorSpecies<Double> S = species();
    private static final int L = S.length();
    /**
     * Rows of the register tile: 8 with 512-bit vectors (16 accumulators of 32 registers), 5 with 256-bit ones
     * (10 accumulators, two B vectors and an A broadcast in AVX2's 16 registers), as in {@link CpuGemmVectorF}.
     */
    static final int MR = L >= 8 ? 8 : 5;
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
    /** Columns per packed block of B (a multiple of NR): KC x NC doubles = 512 KiB, within L2. */
    private static final int NC = 256 / NR * NR;
    /** m * n * k at or below which the scalar direct loops win. */
    private static final long SMALL = 16 * 16 * 16;
    /**
     * Floating-point operations a thread's block should have at least (about 10 us): handing work to a worker
     * costs microseconds, more on a busy machine, and a smaller grain made products of a few hundred kFLOP (an
     * MLP's 10-output layer) several times slower on two threads than on one.
     */
    private static final long GRAIN_FLOPS = 1L << 20;

    private static final ThreadLocal<double[]> B_PACK = new ThreadLocal<>();
    private static final ThreadLocal<double[]> A_PACK = new ThreadLocal<>();

    private CpuGemmVectorD() {}

    private static VectorSpecies<Double> species() {
        int bits = Integer.getInteger("nabla.cpu.gemmBits", 0);
        return bits == 256 ? DoubleVector.SPECIES_256 : bits == 512 ? DoubleVector.SPECIES_512 : DoubleVector.SPECIES_PREFERRED;
    }

    /** Null when this path can run well here, else why not. */
    static String unusableReason() {
        return S.vectorBitSize() < 256 ? "the CPU's preferred vectors are " + S.vectorBitSize() + " bits" : null;
    }

    static String describe() {
        return S.vectorBitSize() + "-bit vectors, " + MR + "x" + NR + " double tile";
    }

    static void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                      double beta, double[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0.0) {
            CpuGemmScalar.scale(m, n, beta, c, cOff, ldc);
            return;
        }
        // Narrow products (n < NR, down to n = 1) stay on the tile: computing on the zero padding of a B
        // micro-panel still runs 2.4-8 times faster than the scalar loops (n = 10: about 26 against 4 GFLOP/s).
        if (m < 2 || (long) m * n * k <= SMALL) {
            CpuGemmScalar.dgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
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
        CpuThreads.parallelFor(units, Math.max(1, units / chunks), (from, to) -> {
            if (byColumns) {
                block(transA, transB, 0, m, from * NR, Math.min(n, to * NR), k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                block(transA, transB, from * MR, Math.min(m, to * MR), 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        });
    }

    /**
     * Whether threads take ranges of columns of C rather than of rows. Each thread packs what it reads, so that the
     * product forks once: a range of columns packs only its own B but reads all of A (and, where a transposed A is
     * packed, packs all of it); a range of rows packs all of B. Rows when the micro-panels of columns divide badly
     * (over 25% idle); with A read in place (512-bit vectors, transposed or not), columns unless A has 4 times B's
     * columns in rows (8 for a transposed B); with A packed, columns when A has fewer rows than B columns (measured
     * in CpuGemmVectorF).
     */
    private static boolean splitColumns(boolean transA, boolean transB, int m, int n, int nPanels, int chunks) {
        int perChunk = (nPanels + chunks - 1) / chunks;
        if (4L * perChunk * chunks > 5L * nPanels) return false;
        if (IN_PLACE_A) return m < (transB ? 8L : 4L) * n;
        return m < n;
    }

    /** Rows [i0, i1) x columns [j0, j1) of C, on the calling thread (i0 a multiple of MR, j0 of NR). */
    private static void block(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, double alpha,
                              double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                              double beta, double[] c, int cOff, int ldc) {
        double[] bp = buffer(B_PACK, Math.min(KC, k) * Math.min(NC, roundUp(j1 - j0, NR)));
        double[] ap = buffer(A_PACK, MP * MR * KC);
        double[] tmp = new double[MR * NR];
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc), nPanels = (nc + NR - 1) / NR;
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                packB(transB, b, bOff, ldb, p0, jc, kc, nc, bp);
                double bt = p0 == 0 ? beta : 1.0;
                for (int g = i0; g < i1; g += MP * MR) {
                    int gEnd = Math.min(i1, g + MP * MR);
                    if (transA && !IN_PLACE_A) packA(true, a, aOff, lda, g, gEnd, p0, kc, ap);
                    for (int r0 = g; r0 < gEnd; r0 += MR) {
                        int rows = Math.min(MR, i1 - r0);
                        // With 512-bit vectors a full panel of A is read in place: MR rows, each contiguous, or for a
                        // transposed A, MR contiguous elements per step. With 256-bit ones it is packed (see
                        // CpuGemmVectorF).
                        double[] src = ap;
                        int ai = (r0 - g) * kc, rs = MR == 8 ? 1 : kc, ps = MR == 8 ? MR : 1; // packed: interleaved for 8 rows
                        if (IN_PLACE_A && rows == MR) {
                            src = a;
                            ai = transA ? aOff + p0 * lda + r0 : aOff + r0 * lda + p0;
                            rs = transA ? 1 : lda;
                            ps = transA ? lda : 1;
                        } else if (!transA || IN_PLACE_A) {
                            packA(transA, a, aOff, lda, r0, Math.min(i1, r0 + MR), p0, kc, ap);
                            ai = 0;
                        }
                        for (int jr = 0; jr < nPanels; jr++) {
                            int cols = Math.min(NR, nc - jr * NR);
                            if (MR == 8) {
                                kernel(kc, src, ai, rs, ps, bp, jr * kc * NR, c, cOff + r0 * ldc + jc + jr * NR, ldc,
                                        alpha, bt, rows, cols, tmp);
                            } else {
                                kernel5(kc, src, ai, rs, bp, jr * kc * NR, c, cOff + r0 * ldc + jc + jr * NR, ldc,
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

    private static double[] buffer(ThreadLocal<double[]> cache, int size) {
        double[] buf = cache.get();
        if (buf == null || buf.length < size) {
            buf = new double[size];
            cache.set(buf);
        }
        return buf;
    }

    /** op(B)[p0 .. p0+kc, j0 .. j0+nc] as micro-panels: bp[q*kc*NR + p*NR + j], zero-padded. */
    private static void packB(boolean transB, double[] b, int bOff, int ldb, int p0, int j0, int kc, int nc, double[] bp) {
        for (int q = 0, panels = (nc + NR - 1) / NR; q < panels; q++) {
            int col = j0 + q * NR, cols = Math.min(NR, nc - q * NR), dst = q * kc * NR;
            if (!transB && cols == NR) {
                for (int p = 0, src = bOff + p0 * ldb + col; p < kc; p++, src += ldb, dst += NR) {
                    DoubleVector.fromArray(S, b, src).intoArray(bp, dst);
                    DoubleVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                }
            } else if (!transB) {
                for (int p = 0, src = bOff + p0 * ldb + col; p < kc; p++, src += ldb, dst += NR) {
                    for (int j = 0; j < cols; j++) bp[dst + j] = b[src + j];
                    for (int j = cols; j < NR; j++) bp[dst + j] = 0.0;
                }
            } else {
                // A transpose: read B's rows (op(B)'s columns) two at a time, each contiguous, so that each
                // write fills two adjacent doubles; one row at a time runs about 1.5 times slower.
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
                for (j = cols; j < NR; j++) for (int p = 0, d = dst + j; p < kc; p++, d += NR) bp[d] = 0.0;
            }
        }
    }

    /**
     * Rows [i0, i1) of op(A)[., p0 .. p0+kc] as consecutive micro-panels, each MR rows of kc: row i at
     * ap[(i-i0)*kc + p] (the layout of A's own rows, so that the kernel reads packed and in-place panels alike);
     * rows of the last panel past i1 are zero. The 8-row kernel's panels are interleaved instead
     * ({@link #packInterleaved}): there a transposed A packs by plain copies.
     */
    private static void packA(boolean transA, double[] a, int aOff, int lda, int i0, int i1, int p0, int kc, double[] ap) {
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
        if (padded > rowsAll) java.util.Arrays.fill(ap, rowsAll * kc, padded * kc, 0.0);
    }

    /**
     * {@link #packA} for the 8-row kernel (512-bit vectors): row i at ap[((i-i0)/MR)*MR*kc + p*MR + (i-i0)%MR],
     * each step's MR elements together (read with rs = 1, ps = MR); rows of the last panel past i1 are zero.
     */
    private static void packInterleaved(boolean transA, double[] a, int aOff, int lda, int i0, int i1, int p0, int kc, double[] ap) {
        int rowsAll = i1 - i0, full = rowsAll / MR, rem = rowsAll % MR;
        if (!transA) {
            for (int i = 0; i < rowsAll; i++) {
                int src = aOff + (i0 + i) * lda + p0, dst = (i / MR) * MR * kc + i % MR;
                for (int p = 0; p < kc; p++) ap[dst + p * MR] = a[src + p];
            }
            if (rem != 0) {
                int dst = full * MR * kc;
                for (int p = 0; p < kc; p++) for (int r = rem; r < MR; r++) ap[dst + p * MR + r] = 0.0;
            }
            return;
        }
        // op(A) row i is column i of A: along each of A's rows, every MR consecutive elements are one
        // micro-panel's step p, copied whole. (A DoubleVector of MR lanes is no faster here, and on JDK 17 its
        // store is not intrinsified next to the kernel's wider species.)
        for (int p = 0; p < kc; p++) {
            int src = aOff + (p0 + p) * lda + i0, dst = p * MR;
            for (int q = 0; q < full; q++, src += MR, dst += MR * kc) {
                for (int r = 0; r < MR; r++) ap[dst + r] = a[src + r];
            }
            if (rem != 0) {
                for (int r = 0; r < rem; r++) ap[dst + r] = a[src + r];
                for (int r = rem; r < MR; r++) ap[dst + r] = 0.0;
            }
        }
    }

    /**
     * C[ci ..] (rows x cols of it) = alpha * (A micro-panel x B micro-panel at bi) + beta * C. Element (r, p)
     * of the A micro-panel is {@code a[ai + r * rs + p * ps]}: packed (rs = 1, ps = MR) or rows of A in place
     * (rs = lda, ps = 1).
     */
    private static void kernel(int kc, double[] a, int ai, int rs, int ps, double[] bp, int bi, double[] c, int ci, int ldc,
                               double alpha, double beta, int rows, int cols, double[] tmp) {
        int r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs, r7 = 7 * rs;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z;
        DoubleVector c10 = z, c11 = z;
        DoubleVector c20 = z, c21 = z;
        DoubleVector c30 = z, c31 = z;
        DoubleVector c40 = z, c41 = z;
        DoubleVector c50 = z, c51 = z;
        DoubleVector c60 = z, c61 = z;
        DoubleVector c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, ai += ps, bi += NR) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bi), b1 = DoubleVector.fromArray(S, bp, bi + L);
            DoubleVector a0 = DoubleVector.broadcast(S, a[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, a[ai + rs]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, a[ai + r2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, a[ai + r3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, a[ai + r4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, a[ai + r5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            DoubleVector a6 = DoubleVector.broadcast(S, a[ai + r6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            DoubleVector a7 = DoubleVector.broadcast(S, a[ai + r7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        // As in CpuGemmVectorF.kernel: a full tile with alpha 1 and beta 0 goes from the registers to C, any
        // other (C + tile included) to tmp, then store(); both through one set of stores, which keeps C2 within
        // its node budget (with a set per case it at times left the last stores as calls, boxing their vectors).
        boolean direct = rows == MR && cols == NR && alpha == 1.0 && beta == 0.0;
        double[] dst = direct ? c : tmp;
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
     * loop-invariant offset (times a constant for B), so that C2 can move the bounds checks out of the loop (see
     * {@link CpuGemmVectorF}).
     */
    private static void kernel5(int kc, double[] a, int ai, int rs, double[] bp, int bi, double[] c, int ci, int ldc,
                               double alpha, double beta, int rows, int cols, double[] tmp) {
        int a1 = ai + rs, a2 = ai + 2 * rs, a3 = ai + 3 * rs, a4 = ai + 4 * rs;
        DoubleVector z = DoubleVector.zero(S);
        DoubleVector c00 = z, c01 = z;
        DoubleVector c10 = z, c11 = z;
        DoubleVector c20 = z, c21 = z;
        DoubleVector c30 = z, c31 = z;
        DoubleVector c40 = z, c41 = z;
        for (int p = 0; p < kc; p++) {
            int bj = bi + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bj), b1 = DoubleVector.fromArray(S, bp, bj + L);
            DoubleVector v0 = DoubleVector.broadcast(S, a[ai + p]);
            c00 = v0.fma(b0, c00);
            c01 = v0.fma(b1, c01);
            DoubleVector v1 = DoubleVector.broadcast(S, a[a1 + p]);
            c10 = v1.fma(b0, c10);
            c11 = v1.fma(b1, c11);
            DoubleVector v2 = DoubleVector.broadcast(S, a[a2 + p]);
            c20 = v2.fma(b0, c20);
            c21 = v2.fma(b1, c21);
            DoubleVector v3 = DoubleVector.broadcast(S, a[a3 + p]);
            c30 = v3.fma(b0, c30);
            c31 = v3.fma(b1, c31);
            DoubleVector v4 = DoubleVector.broadcast(S, a[a4 + p]);
            c40 = v4.fma(b0, c40);
            c41 = v4.fma(b1, c41);
        }
        // As in kernel: one set of stores, to C for a full tile with alpha 1 and beta 0, else to tmp.
        boolean direct = rows == MR && cols == NR && alpha == 1.0 && beta == 0.0;
        double[] dst = direct ? c : tmp;
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
    private static void store(double[] tmp, double[] c, int ci, int ldc, double alpha, double beta, int rows, int cols) {
        if (cols == NR) {
            DoubleVector av = DoubleVector.broadcast(S, alpha), bv = DoubleVector.broadcast(S, beta);
            for (int r = 0, t = 0, o = ci; r < rows; r++, t += NR, o += ldc) {
                DoubleVector v0 = DoubleVector.fromArray(S, tmp, t), v1 = DoubleVector.fromArray(S, tmp, t + L);
                if (beta == 0.0) {
                    v0.mul(av).intoArray(c, o);
                    v1.mul(av).intoArray(c, o + L);
                } else {
                    v0.fma(av, DoubleVector.fromArray(S, c, o).mul(bv)).intoArray(c, o);
                    v1.fma(av, DoubleVector.fromArray(S, c, o + L).mul(bv)).intoArray(c, o + L);
                }
            }
        } else {
            for (int r = 0; r < rows; r++) {
                int o = ci + r * ldc;
                for (int j = 0; j < cols; j++) {
                    double v = alpha * tmp[r * NR + j];
                    c[o + j] = beta == 0.0 ? v : v + beta * c[o + j];
                }
            }
        }
    }
}

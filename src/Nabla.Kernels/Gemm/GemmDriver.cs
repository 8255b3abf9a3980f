using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// The cache-blocked GEMM loop nest (Goto/BLIS design) around one micro-kernel, single-threaded. The caller
/// partitions C across threads; each thread runs this on its own rectangle with its own packing buffers.
/// </summary>
/// <remarks>
/// <para>Two loop nests, outermost first (our kernels broadcast A and stream B, so the roles of BLIS's A and B
/// swap). B-first (<see cref="RunBFirst"/>, the usual one):</para>
/// <list type="number">
/// <item>jc over n in blocks of nc columns; pc over k in steps of KC: pack the KC x nc block of op(B) (lives in L2),
/// once for all of m.</item>
/// <item>ib over m in blocks of MB rows: pack the MB x KC block of op(A) (L1/L2), used at once.</item>
/// <item>ir over MR-row micro-panels of A (one micro-panel, MR x KC, stays in L1 across the jr loop).</item>
/// <item>jr over NR-column micro-panels of B (streamed from L2), calling the micro-kernel per MR x NR tile of C.</item>
/// </list>
/// <para>A-first (<see cref="RunAFirst"/>): ic over MC rows, pc, pack the MC x KC block of A (lives in L3), jc, pack
/// B, then the same ir / jr loops. B-first packs A once per column block, A-first packs B once per MC rows;
/// <see cref="Run"/> takes the one that copies less, or, when m is small and both operands are read in place,
/// <see cref="RunAResident"/> (A resident in L2, B streamed once panel by panel).</para>
/// <para>Operands already in panel shape are not copied: with op(A) stored transposed, the MR values of a micro-panel
/// for one k step are contiguous in a stored row of A, and with op(B) not transposed the NR values are contiguous in
/// a stored row of B, so the kernel reads those panels in place with the row stride as its step. The AVX-512 kernel
/// also reads a non-transposed op(A) in place, from MR row pointers (<see cref="Avx512Kernel{T}.RunRows"/>), which
/// saves transposing A into panels: 3-7 % on the 4096-row products (X·Wᵀ + Y of a 512 -> 128 Linear, 4096 x 128 x
/// 512: 102 -> 106-107 GFLOP/s; dY·W of a 128 -> 512 Linear: 100-103 -> 106-107). Only ragged edge panels (fewer than
/// MR rows or NR columns) and operands whose row stride aliases in L1 (<see cref="Aliases"/>) are packed,
/// zero-padded.</para>
/// <para>Why (measured on Zen 4, one thread, float, for the Linear layers of a char-GPT with 4096 tokens:
/// Y = X·Wᵀ (4096 x n x k), dX = dY·W, dW = dYᵀ·X (m x n x 4096)): with only the A-first nest and every panel packed,
/// dW with k = 4096 spent a third of its time packing (84 GFLOP/s against 113 for the kernel alone); reading A and B
/// in place brings it to 109-112. With m = 4096 and a small B, the B-first nest packs B once instead of once per
/// 1024 rows, and its MB-row A blocks are consumed while still in L1/L2 instead of a 2 MiB block going through L3.
/// At 1024^3 (A packed, 4 column blocks) the A-first nest stays ahead (107-110 against 99-106 GFLOP/s).</para>
/// <para>Block sizes follow from cache budgets: MR*KC*sizeof(T) ~ half of a 32 KiB L1d (the rest holds the B lines
/// and C tile in flight) and KC*nc*sizeof(T) ~ half of a 1 MiB L2, with nc computed from the actual depth, so a
/// shallow product (k = 128: nc = 1024) packs B once and A once instead of once per 256 columns (the fwd of a
/// 128 -> 512 Linear: 89 -> 96 GFLOP/s). For the AVX-512 float kernel (MR = 8, NR = 32) this gives KC = 512 and
/// nc = 256 at full depth; KC 256 or 384 measured no better. k is never split across threads and each element of C
/// is one FMA chain per KC block, in increasing k, merged into C in the same order; whether a panel is read in
/// place or packed changes only where its values come from, so results do not depend on the thread count.</para>
/// <para>The loops here, in the packing and in the kernels are marked AggressiveOptimization: a training loop calls
/// GEMM thousands of times in its first second, and tier-0 code for these loops runs at a fraction of the speed
/// until the tiered JIT catches up (measured: 60 instead of 100 GFLOP/s for 128^3 during the first ~100 ms).</para>
/// </remarks>
internal static unsafe class GemmDriver<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IGemmMicroKernel<T>
{
    /// <summary>Bytes of L1d for one A micro-panel: half of the 32 KiB L1d of current x64 and ARM64 cores.</summary>
    private const int L1Budget = 16 * 1024;

    /// <summary>Bytes of L2 for the packed B block: half of a 1 MiB L2 (Zen 4, recent Intel cores).</summary>
    private const int L2Budget = 512 * 1024;

    /// <summary>Bytes for an A block packed once for all column blocks (<see cref="MC"/>): 2 MiB, a modest share of
    /// a shared L3.</summary>
    private const int L3Budget = 2 * 1024 * 1024;

    /// <summary>
    /// Rows of op(A) packed together. 64 float rows of one KC block (128 KiB) stay in L2 beside the B block until the
    /// tiles using them are done, and a transposed A is then read 256 bytes (4 whole cache lines) per stored row;
    /// 8, 16, 32 and 128 measured the same within noise on the char-GPT shapes.
    /// </summary>
    internal const int MB = 64;

    /// <summary>
    /// Bytes of A per row of a packed A block (kc * sizeof(T)) from which the next block's source is prefetched while
    /// the current one is computed. Packing is a burst of loads with no arithmetic to hide them behind; at k = 512
    /// (2 KiB per row) prefetching lifted X·Wᵀ + Y of a 512 -> 128 Linear (4096 x 128 x 512) from 92-96 to 96-100
    /// GFLOP/s and dY·W of a 128 -> 512 Linear from 93 to 97-100, while at k = 128 (512 bytes, tiles of ~2,000
    /// cycles) it cost 1-2 % and the hardware prefetchers keep up on their own.
    /// </summary>
    private const int PrefetchARowBytes = 1024;

    /// <summary>
    /// Depth of a packed block, MR * KC * sizeof(T) &lt;= L1Budget, rounded down to a multiple of 8 so that every
    /// full-depth A micro-panel starts 64-byte aligned in the aligned buffer.
    /// </summary>
    internal static readonly int KC = Math.Max(8, L1Budget / (TKernel.MR * sizeof(T)) / 8 * 8);

    /// <summary>Columns of the B block at full depth KC (<see cref="BlockColumns"/> of KC).</summary>
    internal static readonly int NC = BlockColumns(KC);

    /// <summary>Columns of the B block for depth <paramref name="kc"/>: kc * nc * sizeof(T) &lt;= L2Budget, a multiple
    /// of NR.</summary>
    internal static int BlockColumns(int kc) =>
        Math.Max(TKernel.NR, L2Budget / (kc * sizeof(T)) / TKernel.NR * TKernel.NR);

    /// <summary>
    /// Rows of the A block packed once and reused for every column block in <see cref="RunAFirst"/>,
    /// MC * KC * sizeof(T) &lt;= L3Budget, a multiple of MR (1024 for the AVX-512 float kernel).
    /// </summary>
    internal static readonly int MC = Math.Max(TKernel.MR, L3Budget / (KC * sizeof(T)) / TKernel.MR * TKernel.MR);

    /// <summary>C = alpha * op(A) * op(B) + beta * C on raw pointers; arguments already validated, k &gt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        bool transA, bool transB, int m, int n, int k, T alpha, T* a, nint lda, T* b, nint ldb, T beta, T* c, nint ldc)
    {
        bool packAll = Gemm.PackAllPanels;
        bool directA = (transA || HasRowKernel) && !packAll && !Aliases(lda);
        bool directB = !transB && !packAll && !Aliases(ldb);
        int ncBlock = BlockColumns(Math.Min(KC, k));
        // The B-first nest packs B once and A once per column block; the A-first nest packs A once and B once per
        // MC rows. Pick the one copying fewer elements (per KC block: (column blocks - 1) * m extra rows of A
        // against (row blocks - 1) * n extra columns of B); A read in place costs nothing to repeat. Measured at
        // 1024^3 (float, the four transpose cases): A-first 107-110 GFLOP/s, B-first 99-106 (A re-packed for each
        // of 4 column blocks).
        // Small m, both operands in place, B wider than a column block: keep A in L2 and stream B once instead
        // (see RunAResident).
        if (directA && directB && n > ncBlock
            && (long)RoundUp(m, TKernel.MR) * Math.Min(KC, k) * sizeof(T) <= L2Budget / 2)
        {
            RunAResident(transA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        long extraA = directA ? 0 : (long)((n - 1) / ncBlock) * m;
        long extraB = (long)((m - 1) / MC) * n;
        if (extraA > extraB)
        {
            RunAFirst(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, directA, directB, ncBlock);
            return;
        }
        RunBFirst(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, directA, directB, ncBlock);
    }

    /// <summary>
    /// Loop nest jc (ncBlock columns) / pc (KC) / pack B / ib (MB rows) / pack A / Macro: B packed once for all of m,
    /// the A block packed right before use.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBFirst(bool transA, bool transB, int m, int n, int k, T alpha, T* a, nint lda, T* b,
        nint ldb, T beta, T* c, nint ldc, bool directA, bool directB, int ncBlock)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int kcMax = Math.Min(KC, k);
        int ncMax = Math.Min(ncBlock, RoundUp(n, nr));
        T* packA = GemmBuffers<T>.A((nint)RoundUp(Math.Min(MB, m), mr) * kcMax);
        T* packB = GemmBuffers<T>.B((nint)ncMax * kcMax);
        T* tile = stackalloc T[mr * nr];

        // Operands read in place (see remarks): ncFull / mbFull count their columns / rows, the ragged rest is packed
        // at the same offsets (packB + jr*kc, packA + ir*kc) as a fully packed block.
        for (int jc = 0; jc < n; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, n - jc);
            int ncFull = directB ? nc / nr * nr : 0;
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                T* bBlock = transB ? b + jc * ldb + pc : b + pc * ldb + jc;
                if (ncFull < nc)
                {
                    GemmPacking.PackB(transB, kc, nc - ncFull, transB ? bBlock + ncFull * ldb : bBlock + ncFull, ldb,
                        packB + (nint)ncFull * kc, nr);
                }
                T betaBlock = pc == 0 ? beta : T.One;
                // The next B block read in place, if its rows are strided, is prefetched during this one (see
                // BlockPrefetch).
                var prefetch = default(BlockPrefetch);
                if (directB)
                {
                    int jc2 = pc + KC < k ? jc : jc + ncBlock, pc2 = pc + KC < k ? pc + KC : 0;
                    int nc2 = jc2 < n ? Math.Min(ncBlock, n - jc2) : 0;
                    if (jc2 < n && nc2 < ldb)
                    {
                        int kc2 = Math.Min(KC, k - pc2);
                        int tiles = (m + mr - 1) / mr * ((nc + nr - 1) / nr);
                        prefetch = new BlockPrefetch((byte*)(b + pc2 * ldb + jc2), ldb * sizeof(T), kc2,
                            nc2 * sizeof(T), tiles);
                    }
                }
                for (int ib = 0; ib < m; ib += MB)
                {
                    int mb = Math.Min(MB, m - ib);
                    int mbFull = directA ? mb / mr * mr : 0;
                    T* aBlock = transA ? a + pc * lda + ib : a + ib * lda + pc;
                    if (mbFull < mb)
                    {
                        GemmPacking.PackA(transA, mb - mbFull, kc, transA ? aBlock + mbFull : aBlock + mbFull * lda,
                            lda, packA + (nint)mbFull * kc, mr);
                    }
                    // The source of the next A block, if it is to be packed, is prefetched during this one.
                    var prefetchA = default(BlockPrefetch);
                    if (!directA && ib + MB < m && kc * sizeof(T) >= PrefetchARowBytes)
                    {
                        int mb2 = Math.Min(MB, m - ib - MB);
                        int tiles = (mb + mr - 1) / mr * ((nc + nr - 1) / nr);
                        prefetchA = transA
                            ? new BlockPrefetch((byte*)(aBlock + MB), lda * sizeof(T), kc, mb2 * sizeof(T), tiles)
                            : new BlockPrefetch((byte*)(aBlock + MB * lda), lda * sizeof(T), mb2, kc * sizeof(T),
                                tiles);
                    }
                    Macro(mb, nc, kc, alpha, aBlock, mbFull, !transA, lda, packA, bBlock, ncFull, ldb, packB,
                        betaBlock, c + ib * ldc + jc, ldc, tile, ref prefetch, ref prefetchA);
                }
            }
        }
    }

    /// <summary>
    /// Loop nest pc (KC) / jr (NR-column panels of B, read in place) / ir (MR-row panels of A, read in place):
    /// for a small m whose whole KC block of A stays in L2 (at most half the L2 budget) while B, read in place, streams
    /// from memory once, one panel at a time, the next panel prefetched during the current one. The B-first nest
    /// would instead keep a KC x nc block of B in L2 and stream A once per column block. Same KC blocks and tiles as
    /// the other nests, so the same arithmetic for every element of C. Measured (float, one thread, paired runs) on
    /// dW of a 512 -> 128 Linear, 128 x 512 x 4096: 98-100 GFLOP/s against 91-92 with B-first, and 85-86 without
    /// the prefetch of the next panel; 128 x 384 x 4096: 96-97 against 91-92.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunAResident(bool transA, int m, int n, int k, T alpha, T* a, nint lda, T* b, nint ldb,
        T beta, T* c, nint ldc)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int kcMax = Math.Min(KC, k);
        int mFull = m / mr * mr, nFull = n / nr * nr;
        T* packA = GemmBuffers<T>.A((nint)mr * kcMax);
        T* packB = GemmBuffers<T>.B((nint)nr * kcMax);
        T* tile = stackalloc T[mr * nr];
        int tilesPerPanel = (m + mr - 1) / mr;
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            T betaBlock = pc == 0 ? beta : T.One;
            T* aBlock = transA ? a + pc * lda : a + pc;
            if (mFull < m)
            {
                GemmPacking.PackA(transA, m - mFull, kc, transA ? aBlock + mFull : aBlock + mFull * lda, lda,
                    packA, mr);
            }
            T* bBlock = b + pc * ldb;
            if (nFull < n)
            {
                GemmPacking.PackB(false, kc, n - nFull, bBlock + nFull, ldb, packB, nr);
            }
            for (int jr = 0; jr < n; jr += nr)
            {
                int cols = Math.Min(nr, n - jr);
                bool inPlaceB = jr < nFull;
                T* bp = inPlaceB ? bBlock + jr : packB;
                nint bStep = inPlaceB ? ldb : nr;
                // The next full panel of B: the following one of this block, or the first of the next block.
                var prefetch = default(BlockPrefetch);
                if (jr + nr < nFull)
                {
                    prefetch = new BlockPrefetch((byte*)(bBlock + jr + nr), ldb * sizeof(T), kc, nr * sizeof(T),
                        tilesPerPanel);
                }
                else if (pc + KC < k && nFull > 0 && jr + nr >= n)
                {
                    prefetch = new BlockPrefetch((byte*)(b + (pc + KC) * ldb), ldb * sizeof(T),
                        Math.Min(KC, k - pc - KC), nr * sizeof(T), tilesPerPanel);
                }
                for (int ir = 0; ir < m; ir += mr)
                {
                    int rows = Math.Min(mr, m - ir);
                    bool inPlaceA = ir < mFull;
                    T* ap = !inPlaceA ? packA : transA ? aBlock + ir : aBlock + ir * lda;
                    nint aStep = inPlaceA ? lda : mr;
                    T* cTile = c + ir * ldc + jr;
                    if (rows == mr && cols == nr)
                    {
                        PrefetchTile(cTile, ldc);
                        prefetch.Step();
                        Kernel(inPlaceA && !transA, kc, ap, aStep, bp, bStep, cTile, ldc, alpha, betaBlock);
                    }
                    else
                    {
                        Kernel(inPlaceA && !transA, kc, ap, aStep, bp, bStep, tile, nr, alpha, T.Zero);
                        MergeEdge(tile, nr, cTile, ldc, rows, cols, betaBlock);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Loop nest ic (MC rows) / pc (KC) / pack A / jc (ncBlock columns) / pack B / Macro: the A block packed once for
    /// all of n, B re-packed for every MC rows. Same KC blocks and tiles as <see cref="RunBFirst"/>, so the same
    /// arithmetic for every element of C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunAFirst(bool transA, bool transB, int m, int n, int k, T alpha, T* a, nint lda, T* b,
        nint ldb, T beta, T* c, nint ldc, bool directA, bool directB, int ncBlock)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int kcMax = Math.Min(KC, k);
        int ncMax = Math.Min(ncBlock, RoundUp(n, nr));
        T* packA = GemmBuffers<T>.A((nint)Math.Min(MC, RoundUp(m, mr)) * kcMax);
        T* packB = GemmBuffers<T>.B((nint)ncMax * kcMax);
        T* tile = stackalloc T[mr * nr];

        for (int ic = 0; ic < m; ic += MC)
        {
            int mc = Math.Min(MC, m - ic);
            int mcFull = directA ? mc / mr * mr : 0;
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                T* aBlock = transA ? a + pc * lda + ic : a + ic * lda + pc;
                if (mcFull < mc)
                {
                    GemmPacking.PackA(transA, mc - mcFull, kc, transA ? aBlock + mcFull : aBlock + mcFull * lda,
                        lda, packA + (nint)mcFull * kc, mr);
                }
                T betaBlock = pc == 0 ? beta : T.One;
                for (int jc = 0; jc < n; jc += ncBlock)
                {
                    int nc = Math.Min(ncBlock, n - jc);
                    int ncFull = directB ? nc / nr * nr : 0;
                    T* bBlock = transB ? b + jc * ldb + pc : b + pc * ldb + jc;
                    if (ncFull < nc)
                    {
                        GemmPacking.PackB(transB, kc, nc - ncFull, transB ? bBlock + ncFull * ldb : bBlock + ncFull,
                            ldb, packB + (nint)ncFull * kc, nr);
                    }
                    var none = default(BlockPrefetch);
                    Macro(mc, nc, kc, alpha, aBlock, mcFull, !transA, lda, packA, bBlock, ncFull, ldb, packB,
                        betaBlock, c + ic * ldc + jc, ldc, tile, ref none, ref none);
                }
            }
        }
    }

    /// <summary>
    /// Runs the micro-kernel over all tiles of one mb x nc block of C. Row panels below <paramref name="mbFull"/> are
    /// read in place from <paramref name="aBlock"/> (op(A) stored transposed: panel ir at aBlock + ir, step lda; or,
    /// with <paramref name="aRows"/>, stored rows from aBlock + ir*lda), the others from their packed copy at
    /// packA + ir*kc (step MR); likewise column panels below
    /// <paramref name="ncFull"/> from <paramref name="bBlock"/> + jr (step ldb), the others from packB + jr*kc.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Macro(int mb, int nc, int kc, T alpha, T* aBlock, int mbFull, bool aRows, nint lda, T* packA,
        T* bBlock, int ncFull, nint ldb, T* packB, T beta, T* c, nint ldc, T* tile, ref BlockPrefetch prefetch,
        ref BlockPrefetch prefetchA)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        for (int ir = 0; ir < mb; ir += mr)
        {
            int rows = Math.Min(mr, mb - ir);
            bool inPlaceA = ir < mbFull, rowsA = inPlaceA && aRows;
            T* ap = !inPlaceA ? packA + (nint)ir * kc : aRows ? aBlock + ir * lda : aBlock + ir;
            nint aStep = inPlaceA ? lda : mr;
            T* cRow = c + ir * ldc;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int cols = Math.Min(nr, nc - jr);
                bool inPlaceB = jr < ncFull;
                T* bp = inPlaceB ? bBlock + jr : packB + (nint)jr * kc;
                nint bStep = inPlaceB ? ldb : nr;
                if (rows == mr && cols == nr)
                {
                    PrefetchTile(cRow + jr, ldc);
                    prefetch.Step();
                    prefetchA.Step();
                    Kernel(rowsA, kc, ap, aStep, bp, bStep, cRow + jr, ldc, alpha, beta);
                }
                else
                {
                    Kernel(rowsA, kc, ap, aStep, bp, bStep, tile, nr, alpha, T.Zero);
                    MergeEdge(tile, nr, cRow + jr, ldc, rows, cols, beta);
                }
            }
        }
    }

    /// <summary>Whether the kernel can read a non-transposed op(A) in place (<see cref="Avx512Kernel{T}.RunRows"/>);
    /// a constant per instantiation, folded by the JIT.</summary>
    private static readonly bool HasRowKernel = typeof(TKernel) == typeof(Avx512Kernel<T>);

    /// <summary>One tile: <see cref="Avx512Kernel{T}.RunRows"/> when A is read in place from its stored rows
    /// (<paramref name="rowsA"/>, aStep then being lda), else the kernel's <c>Run</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(bool rowsA, int kc, T* a, nint aStep, T* b, nint bStep, T* c, nint ldc, T alpha,
        T beta)
    {
        if (HasRowKernel && rowsA)
        {
            Avx512Kernel<T>.RunRows(kc, a, aStep, b, bStep, c, ldc, alpha, beta);
            return;
        }
        TKernel.Run(kc, a, aStep, b, bStep, c, ldc, alpha, beta);
    }

    /// <summary>
    /// Asks for the MR rows of a C tile before the kernel spends kc steps on it, so the loads of its epilogue
    /// (beta != 0) and the stores (which must first own the lines) find them in L1. With m = 4096 C is several MiB
    /// and every tile is new to the caches: Y = X·Wᵀ + Y of a 128 -> 512 Linear (k = 128, about 2,000 cycles per
    /// tile, the C lines coming from memory) ran at 90-94 GFLOP/s without and 100-103 with it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(T* c, nint ldc)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        int bytes = TKernel.NR * sizeof(T);
        for (int r = 0; r < TKernel.MR; r++)
        {
            // A row of the tile spans its 64-byte lines from row to row + bytes - 1, whatever its alignment.
            byte* row = (byte*)(c + r * ldc);
            for (int offset = 0; offset < bytes; offset += 64)
            {
                Sse.Prefetch0(row + offset);
            }
            Sse.Prefetch0(row + bytes - 1);
        }
    }

    /// <summary>C = t (beta == 0) or fma(C, beta, t), the kernels' own epilogue rounding, on a partial tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeEdge(T* t, int ldt, T* c, nint ldc, int rows, int cols, T beta)
    {
        for (int r = 0; r < rows; r++)
        {
            T* cr = c + r * ldc;
            T* tr = t + (nint)r * ldt;
            for (int j = 0; j < cols; j++)
            {
                cr[j] = beta == T.Zero ? tr[j] : GemmFma.Epilogue(cr[j], beta, tr[j]);
            }
        }
    }

    /// <summary>
    /// Whether rows <paramref name="ld"/> elements apart fall in the same L1 set: a 32 KiB 8-way L1d repeats its 64
    /// sets every 4 KiB, so a panel read in place down such rows can keep only 8 of its lines in L1. Those operands are
    /// packed instead (1024^3 float, one thread, TN: 93-100 GFLOP/s in place against 109-110 packed; TT 103-107
    /// against 108-109), while 512- and 2048-byte strides are faster in place.
    /// </summary>
    private static bool Aliases(nint ld) => ld * sizeof(T) % 4096 == 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}

/// <summary>
/// Per-thread packing buffers, 64-byte aligned (one cache line, one zmm load) and pinned so the raw pointers stay
/// valid. They grow to the largest block a thread has needed and are reused, so steady-state calls do not allocate.
/// </summary>
internal static unsafe class GemmBuffers<T>
    where T : unmanaged
{
    private const int Alignment = 64;

    [ThreadStatic]
    private static T[]? t_a;

    [ThreadStatic]
    private static T[]? t_b;

    [ThreadStatic]
    private static T[]? t_small;

    /// <summary>Buffer for packed A (at least <paramref name="count"/> elements).</summary>
    public static T* A(nint count) => Get(ref t_a, count);

    /// <summary>Buffer for packed B (at least <paramref name="count"/> elements).</summary>
    public static T* B(nint count) => Get(ref t_b, count);

    /// <summary>Buffer for the small path's transposed op(B) (at least <paramref name="count"/> elements).</summary>
    public static T* Small(nint count) => Get(ref t_small, count);

    private static T* Get(ref T[]? slot, nint count)
    {
        nint needed = count + Alignment / sizeof(T);
        if (slot is null || slot.Length < needed)
        {
            slot = GC.AllocateUninitializedArray<T>(checked((int)needed), pinned: true);
        }
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(slot));
        return (T*)((address + Alignment - 1) & ~(nint)(Alignment - 1));
    }
}

/// <summary>
/// Prefetches a block of rows (rowBytes bytes each, stride bytes apart) into L2 a slice at a time, spread over the
/// tiles computed before the block is needed.
/// </summary>
/// <remarks>
/// Used for the source of the next packed A block (see PrefetchARowBytes) and for the next block of a B read in
/// place whose rows are only partly in the block (nc &lt; ldb). For the latter, the first row
/// panel of A to meet such a block otherwise waits on memory for all of it at once, lines at a stride the hardware
/// prefetchers follow poorly: dW of a 512 -> 128 Linear (128 x 512 x 4096, B rows of 2 KiB, 256 columns per block)
/// ran at 73-79 GFLOP/s without and 87-92 with it (three paired runs; 128 x 384 x 4096: 89-100 against 97-104).
/// Contiguous blocks (nc == ldb) are left to the hardware prefetchers, which follow a sequential stream well
/// (128 x 128 x 4096 runs at 112-115 GFLOP/s without).
/// </remarks>
internal unsafe struct BlockPrefetch
{
    private const int Line = 64;
    private readonly byte* _base;
    private readonly nint _stride;
    private readonly int _rowLines, _total, _perStep;
    private int _next;

    /// <summary>Plans <paramref name="rows"/> rows over <paramref name="steps"/> calls of <see cref="Step"/>.</summary>
    public BlockPrefetch(byte* start, nint stride, int rows, int rowBytes, int steps)
    {
        _base = start;
        _stride = stride;
        // One line more than an aligned row needs: a row may start inside a line.
        _rowLines = (rowBytes + Line - 1) / Line + 1;
        _total = rows * _rowLines;
        _perStep = Math.Max(1, (_total + steps - 1) / Math.Max(1, steps));
        _next = 0;
    }

    /// <summary>Issues the next slice (nothing once the block is covered, for a default value, or off x86).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step()
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        int end = Math.Min(_total, _next + _perStep);
        for (; _next < end; _next++)
        {
            int r = _next / _rowLines, l = _next - r * _rowLines;
            Sse.Prefetch1(_base + r * _stride + (nint)l * Line);
        }
    }
}

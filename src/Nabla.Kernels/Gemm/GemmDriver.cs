using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>
/// The cache-blocked GEMM loop nest (Goto/BLIS design) around one micro-kernel, single-threaded. The caller
/// partitions C across threads; each thread runs this on its own rectangle with its own packing buffers.
/// </summary>
/// <remarks>
/// <para>Loop nest, outermost first (our kernels broadcast A and stream B, so the roles of BLIS's A and B swap):</para>
/// <list type="number">
/// <item>ic over m in steps of MC; pc over k in steps of KC: pack the MC x KC block of op(A) (lives in L3).</item>
/// <item>jc over n in steps of NC: pack the KC x NC block of op(B) (lives in L2).</item>
/// <item>ir over MR-row micro-panels of A (one micro-panel, MR x KC, stays in L1 across the jr loop).</item>
/// <item>jr over NR-column micro-panels of B (streamed from L2), calling the micro-kernel per MR x NR tile of C.</item>
/// </list>
/// <para>Block sizes follow from cache budgets: MR*KC*sizeof(T) ~ half of a 32 KiB L1d (the rest holds the B lines
/// and C tile in flight), KC*NC*sizeof(T) ~ half of a 1 MiB L2, MC*KC*sizeof(T) ~ 2 MiB of the shared L3. For the
/// AVX-512 float kernel (MR = 8, NR = 32) this gives KC = 512, NC = 256, MC = 1024; halving or doubling the L1 or
/// L2 budget measured no better. k is never split across
/// threads and each element of C is one FMA chain per KC block, in increasing k, so results do not depend on the
/// thread count.</para>
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

    /// <summary>Bytes for the packed A block: 2 MiB per thread, a modest share of a shared L3.</summary>
    private const int L3Budget = 2 * 1024 * 1024;

    /// <summary>
    /// Depth of a packed block, MR * KC * sizeof(T) &lt;= L1Budget, rounded down to a multiple of 8 so that every
    /// full-depth A micro-panel starts 64-byte aligned in the aligned buffer.
    /// </summary>
    internal static readonly int KC = Math.Max(8, L1Budget / (TKernel.MR * sizeof(T)) / 8 * 8);

    /// <summary>Columns of the packed B block, KC * NC * sizeof(T) &lt;= L2Budget, a multiple of NR.</summary>
    internal static readonly int NC = Math.Max(TKernel.NR, L2Budget / (KC * sizeof(T)) / TKernel.NR * TKernel.NR);

    /// <summary>Rows of the packed A block, MC * KC * sizeof(T) &lt;= L3Budget, a multiple of MR.</summary>
    internal static readonly int MC = Math.Max(TKernel.MR, L3Budget / (KC * sizeof(T)) / TKernel.MR * TKernel.MR);

    /// <summary>C = alpha * op(A) * op(B) + beta * C on raw pointers; arguments already validated, k &gt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        bool transA, bool transB, int m, int n, int k, T alpha, T* a, nint lda, T* b, nint ldb, T beta, T* c, nint ldc)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int mcMax = Math.Min(MC, RoundUp(m, mr));
        int kcMax = Math.Min(KC, k);
        int ncMax = Math.Min(NC, RoundUp(n, nr));
        T* packA = GemmBuffers<T>.A((nint)mcMax * kcMax);
        T* packB = GemmBuffers<T>.B((nint)ncMax * kcMax);
        T* tile = stackalloc T[mr * nr];

        for (int ic = 0; ic < m; ic += MC)
        {
            int mc = Math.Min(MC, m - ic);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                T* aBlock = transA ? a + pc * lda + ic : a + ic * lda + pc;
                GemmPacking.PackA(transA, mc, kc, aBlock, lda, packA, mr);
                T betaBlock = pc == 0 ? beta : T.One;
                for (int jc = 0; jc < n; jc += NC)
                {
                    int nc = Math.Min(NC, n - jc);
                    T* bBlock = transB ? b + jc * ldb + pc : b + pc * ldb + jc;
                    GemmPacking.PackB(transB, kc, nc, bBlock, ldb, packB, nr);
                    Macro(mc, nc, kc, alpha, packA, packB, betaBlock, c + ic * ldc + jc, ldc, tile);
                }
            }
        }
    }

    /// <summary>Runs the micro-kernel over all tiles of one packed mc x nc block of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Macro(int mc, int nc, int kc, T alpha, T* packA, T* packB, T beta, T* c, nint ldc, T* tile)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* ap = packA + (nint)ir * kc;
            T* cRow = c + ir * ldc;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int cols = Math.Min(nr, nc - jr);
                T* bp = packB + (nint)jr * kc;
                if (rows == mr && cols == nr)
                {
                    TKernel.Run(kc, ap, bp, cRow + jr, ldc, alpha, beta);
                }
                else
                {
                    TKernel.Run(kc, ap, bp, tile, nr, alpha, T.Zero);
                    MergeEdge(tile, nr, cRow + jr, ldc, rows, cols, beta);
                }
            }
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

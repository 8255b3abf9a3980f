using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// AVX-512F micro-kernel: an 8 x (2 * 512 / bits(T)) tile, i.e. 8 x 32 for float and 8 x 16 for double.
/// </summary>
/// <remarks>
/// Per k step the kernel issues 16 FMAs against 2 vector loads of B and 8 broadcasts of A. Zen 4 retires one
/// 512-bit FMA per cycle (two 256-bit pipes) and two loads per cycle, so the loop is FMA-bound (10 loads per 16
/// cycles), and 16 independent accumulator chains hide the 4-cycle FMA latency. 16 accumulators + 2 B vectors + 1
/// broadcast fit the 32 zmm registers with room to spare. MR = 8 rather than a taller tile because m is usually a
/// multiple of 8 (no wasted edge rows) and the A micro-panel, 8 x KC, then stays small in L1; measured on Zen 4 it
/// beat a 12 x 32 tile (24 accumulators) by about 8 %. Broadcasting A and loading B keeps each accumulator a
/// contiguous run of one C row, which suits row-major C.
/// </remarks>
internal readonly struct Avx512Kernel<T> : IGemmMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int MR => 8;

    /// <inheritdoc/>
    public static int NR => 2 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
        {
            return Avx512F.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }
        return Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, T* a, nint aStep, T* b, nint bStep, T* c, nint ldc, T alpha, T beta)
    {
        Vector512<T> c0Lo = default, c0Hi = default;
        Vector512<T> c1Lo = default, c1Hi = default;
        Vector512<T> c2Lo = default, c2Hi = default;
        Vector512<T> c3Lo = default, c3Hi = default;
        Vector512<T> c4Lo = default, c4Hi = default;
        Vector512<T> c5Lo = default, c5Hi = default;
        Vector512<T> c6Lo = default, c6Hi = default;
        Vector512<T> c7Lo = default, c7Hi = default;
        int step = Vector512<T>.Count;
        for (int p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = Vector512.Load(b + step);
            Vector512<T> a0 = Vector512.Create(a[0]);
            c0Lo = Fma(a0, b0, c0Lo);
            c0Hi = Fma(a0, b1, c0Hi);
            Vector512<T> a1 = Vector512.Create(a[1]);
            c1Lo = Fma(a1, b0, c1Lo);
            c1Hi = Fma(a1, b1, c1Hi);
            Vector512<T> a2 = Vector512.Create(a[2]);
            c2Lo = Fma(a2, b0, c2Lo);
            c2Hi = Fma(a2, b1, c2Hi);
            Vector512<T> a3 = Vector512.Create(a[3]);
            c3Lo = Fma(a3, b0, c3Lo);
            c3Hi = Fma(a3, b1, c3Hi);
            Vector512<T> a4 = Vector512.Create(a[4]);
            c4Lo = Fma(a4, b0, c4Lo);
            c4Hi = Fma(a4, b1, c4Hi);
            Vector512<T> a5 = Vector512.Create(a[5]);
            c5Lo = Fma(a5, b0, c5Lo);
            c5Hi = Fma(a5, b1, c5Hi);
            Vector512<T> a6 = Vector512.Create(a[6]);
            c6Lo = Fma(a6, b0, c6Lo);
            c6Hi = Fma(a6, b1, c6Hi);
            Vector512<T> a7 = Vector512.Create(a[7]);
            c7Lo = Fma(a7, b0, c7Lo);
            c7Hi = Fma(a7, b1, c7Hi);
            a += aStep;
            b += bStep;
        }
        Store(c, ldc, alpha, beta, c0Lo, c0Hi, c1Lo, c1Hi, c2Lo, c2Hi, c3Lo, c3Hi, c4Lo, c4Hi, c5Lo, c5Hi, c6Lo, c6Hi,
            c7Lo, c7Hi);
    }

    /// <summary>
    /// <see cref="Run"/> with op(A) read in place from its stored rows (not transposed): row r of the tile is
    /// <c>a + r*lda</c> and its value for step p is at index p. Saves transposing A into panels when A is streamed
    /// once per column block, e.g. X·Wᵀ with X of 4096 tokens; the arithmetic (one FMA chain per element in increasing
    /// p) is that of <see cref="Run"/>, so results are the same bits as with A packed. Eight row pointers plus B keep
    /// within the 15 usable general registers, and each broadcast is still one load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RunRows(int kc, T* a, nint lda, T* b, nint bStep, T* c, nint ldc, T alpha, T beta)
    {
        Vector512<T> c0Lo = default, c0Hi = default;
        Vector512<T> c1Lo = default, c1Hi = default;
        Vector512<T> c2Lo = default, c2Hi = default;
        Vector512<T> c3Lo = default, c3Hi = default;
        Vector512<T> c4Lo = default, c4Hi = default;
        Vector512<T> c5Lo = default, c5Hi = default;
        Vector512<T> c6Lo = default, c6Hi = default;
        Vector512<T> c7Lo = default, c7Hi = default;
        int step = Vector512<T>.Count;
        T* a0p = a, a1p = a + lda, a2p = a + 2 * lda, a3p = a + 3 * lda;
        T* a4p = a + 4 * lda, a5p = a + 5 * lda, a6p = a + 6 * lda, a7p = a + 7 * lda;
        for (nint p = 0; p < kc; p++)
        {
            Vector512<T> b0 = Vector512.Load(b);
            Vector512<T> b1 = Vector512.Load(b + step);
            Vector512<T> a0 = Vector512.Create(a0p[p]);
            c0Lo = Fma(a0, b0, c0Lo);
            c0Hi = Fma(a0, b1, c0Hi);
            Vector512<T> a1 = Vector512.Create(a1p[p]);
            c1Lo = Fma(a1, b0, c1Lo);
            c1Hi = Fma(a1, b1, c1Hi);
            Vector512<T> a2 = Vector512.Create(a2p[p]);
            c2Lo = Fma(a2, b0, c2Lo);
            c2Hi = Fma(a2, b1, c2Hi);
            Vector512<T> a3 = Vector512.Create(a3p[p]);
            c3Lo = Fma(a3, b0, c3Lo);
            c3Hi = Fma(a3, b1, c3Hi);
            Vector512<T> a4 = Vector512.Create(a4p[p]);
            c4Lo = Fma(a4, b0, c4Lo);
            c4Hi = Fma(a4, b1, c4Hi);
            Vector512<T> a5 = Vector512.Create(a5p[p]);
            c5Lo = Fma(a5, b0, c5Lo);
            c5Hi = Fma(a5, b1, c5Hi);
            Vector512<T> a6 = Vector512.Create(a6p[p]);
            c6Lo = Fma(a6, b0, c6Lo);
            c6Hi = Fma(a6, b1, c6Hi);
            Vector512<T> a7 = Vector512.Create(a7p[p]);
            c7Lo = Fma(a7, b0, c7Lo);
            c7Hi = Fma(a7, b1, c7Hi);
            b += bStep;
        }
        Store(c, ldc, alpha, beta, c0Lo, c0Hi, c1Lo, c1Hi, c2Lo, c2Hi, c3Lo, c3Hi, c4Lo, c4Hi, c5Lo, c5Hi, c6Lo, c6Hi,
            c7Lo, c7Hi);
    }

    /// <summary>Stores alpha * acc (beta == 0, C not read) or fma(C, beta, alpha * acc), 8 rows x 2 vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(T* c, nint ldc, T alpha, T beta, Vector512<T> c0Lo, Vector512<T> c0Hi,
        Vector512<T> c1Lo, Vector512<T> c1Hi, Vector512<T> c2Lo, Vector512<T> c2Hi, Vector512<T> c3Lo,
        Vector512<T> c3Hi, Vector512<T> c4Lo, Vector512<T> c4Hi, Vector512<T> c5Lo, Vector512<T> c5Hi,
        Vector512<T> c6Lo, Vector512<T> c6Hi, Vector512<T> c7Lo, Vector512<T> c7Hi)
    {
        int step = Vector512<T>.Count;
        Vector512<T> va = Vector512.Create(alpha);
        if (beta == T.Zero)
        {
            Vector512.Store(c0Lo * va, c + 0 * ldc);
            Vector512.Store(c0Hi * va, c + 0 * ldc + step);
            Vector512.Store(c1Lo * va, c + 1 * ldc);
            Vector512.Store(c1Hi * va, c + 1 * ldc + step);
            Vector512.Store(c2Lo * va, c + 2 * ldc);
            Vector512.Store(c2Hi * va, c + 2 * ldc + step);
            Vector512.Store(c3Lo * va, c + 3 * ldc);
            Vector512.Store(c3Hi * va, c + 3 * ldc + step);
            Vector512.Store(c4Lo * va, c + 4 * ldc);
            Vector512.Store(c4Hi * va, c + 4 * ldc + step);
            Vector512.Store(c5Lo * va, c + 5 * ldc);
            Vector512.Store(c5Hi * va, c + 5 * ldc + step);
            Vector512.Store(c6Lo * va, c + 6 * ldc);
            Vector512.Store(c6Hi * va, c + 6 * ldc + step);
            Vector512.Store(c7Lo * va, c + 7 * ldc);
            Vector512.Store(c7Hi * va, c + 7 * ldc + step);
            return;
        }
        Vector512<T> vb = Vector512.Create(beta);
        Vector512.Store(Fma(Vector512.Load(c + 0 * ldc), vb, c0Lo * va), c + 0 * ldc);
        Vector512.Store(Fma(Vector512.Load(c + 0 * ldc + step), vb, c0Hi * va), c + 0 * ldc + step);
        Vector512.Store(Fma(Vector512.Load(c + 1 * ldc), vb, c1Lo * va), c + 1 * ldc);
        Vector512.Store(Fma(Vector512.Load(c + 1 * ldc + step), vb, c1Hi * va), c + 1 * ldc + step);
        Vector512.Store(Fma(Vector512.Load(c + 2 * ldc), vb, c2Lo * va), c + 2 * ldc);
        Vector512.Store(Fma(Vector512.Load(c + 2 * ldc + step), vb, c2Hi * va), c + 2 * ldc + step);
        Vector512.Store(Fma(Vector512.Load(c + 3 * ldc), vb, c3Lo * va), c + 3 * ldc);
        Vector512.Store(Fma(Vector512.Load(c + 3 * ldc + step), vb, c3Hi * va), c + 3 * ldc + step);
        Vector512.Store(Fma(Vector512.Load(c + 4 * ldc), vb, c4Lo * va), c + 4 * ldc);
        Vector512.Store(Fma(Vector512.Load(c + 4 * ldc + step), vb, c4Hi * va), c + 4 * ldc + step);
        Vector512.Store(Fma(Vector512.Load(c + 5 * ldc), vb, c5Lo * va), c + 5 * ldc);
        Vector512.Store(Fma(Vector512.Load(c + 5 * ldc + step), vb, c5Hi * va), c + 5 * ldc + step);
        Vector512.Store(Fma(Vector512.Load(c + 6 * ldc), vb, c6Lo * va), c + 6 * ldc);
        Vector512.Store(Fma(Vector512.Load(c + 6 * ldc + step), vb, c6Hi * va), c + 6 * ldc + step);
        Vector512.Store(Fma(Vector512.Load(c + 7 * ldc), vb, c7Lo * va), c + 7 * ldc);
        Vector512.Store(Fma(Vector512.Load(c + 7 * ldc + step), vb, c7Hi * va), c + 7 * ldc + step);
    }
}

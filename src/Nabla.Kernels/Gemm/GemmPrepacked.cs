using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// op(B) (k x n) packed once into the micro-kernel's panel layout, for a product repeated with the same B and a
/// changing A: the recurrent matrix of an RNN is multiplied by a new small batch of states at every time step, and
/// re-packing its k x n values per step would cost as much as the small product itself.
/// </summary>
/// <remarks>
/// <para>Layout: k is cut in blocks of the driver's KC; block pc holds ceil(n/NR) panels of kc x NR (as
/// <see cref="GemmPacking.PackB{T}"/> writes them), so block pc starts at pc·Npad and its panel q at
/// pc·Npad + q·NR·kc, with Npad = ceil(n/NR)·NR.</para>
/// <para><see cref="Multiply"/> runs the same loop nest as <see cref="GemmDriver{T, TKernel}"/> (same KC blocks,
/// same micro-kernel, same edge handling), so every element of C is the same FMA chain as in
/// <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
/// on its packed path. Single-threaded: callers split rows of C across threads themselves.</para>
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal sealed unsafe class GemmPrepacked<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _packed;
    private readonly GemmPath _path;
    private readonly int _kc, _nr, _npad;

    /// <summary>Packs op(B): B stored k x n (row stride ldb), or n x k when transB.</summary>
    public GemmPrepacked(bool transB, int k, int n, ReadOnlySpan<T> b, int ldb)
    {
        K = k;
        N = n;
        _path = Gemm.BestPackedPath;
        (_kc, _nr) = _path switch
        {
            GemmPath.Avx512 => (GemmDriver<T, Avx512Kernel<T>>.KC, Avx512Kernel<T>.NR),
            GemmPath.Avx2 => (GemmDriver<T, Avx2Kernel<T>>.KC, Avx2Kernel<T>.NR),
            _ => (GemmDriver<T, VectorKernel<T>>.KC, VectorKernel<T>.NR),
        };
        _npad = (n + _nr - 1) / _nr * _nr;
        _packed = GC.AllocateUninitializedArray<T>(Math.Max(1, k * _npad), pinned: true);
        fixed (T* pb = b)
        {
            T* dst = (T*)Unsafe.AsPointer(ref _packed[0]);
            for (int pc = 0; pc < k; pc += _kc)
            {
                int kc = Math.Min(_kc, k - pc);
                T* src = transB ? pb + pc : pb + (nint)pc * ldb;
                GemmPacking.PackB(transB, kc, n, src, ldb, dst + (nint)pc * _npad, _nr);
            }
        }
    }

    /// <summary>Rows of op(B).</summary>
    public int K { get; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; }

    /// <summary>C (m x N, row stride ldc) = A (m x K, row stride lda, not transposed)·op(B) + beta·C.</summary>
    public void Multiply(int m, T* a, nint lda, T beta, T* c, nint ldc)
    {
        if (m == 0 || N == 0) return;
        if (K == 0)
        {
            for (int i = 0; i < m; i++)
            {
                Span<T> row = new(c + i * ldc, N);
                if (beta == T.Zero) row.Clear();
                else for (int j = 0; j < N; j++) row[j] *= beta;
            }
            return;
        }
        switch (_path)
        {
            case GemmPath.Avx512: Run<Avx512Kernel<T>>(m, a, lda, beta, c, ldc); break;
            case GemmPath.Avx2: Run<Avx2Kernel<T>>(m, a, lda, beta, c, ldc); break;
            default: Run<VectorKernel<T>>(m, a, lda, beta, c, ldc); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run<TKernel>(int m, T* a, nint lda, T beta, T* c, nint ldc)
        where TKernel : struct, IGemmMicroKernel<T>
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int mPad = (m + mr - 1) / mr * mr;
        T* packA = GemmBuffers<T>.A((nint)mPad * Math.Min(_kc, K));
        T* tile = stackalloc T[mr * nr];
        fixed (T* packed = _packed)
        {
            for (int pc = 0; pc < K; pc += _kc)
            {
                int kc = Math.Min(_kc, K - pc);
                GemmPacking.PackA(false, m, kc, a + pc, lda, packA, mr);
                T betaBlock = pc == 0 ? beta : T.One;
                T* block = packed + (nint)pc * _npad;
                // Column panels outermost: each kc x NR panel of B is read from memory once and used for every row
                // panel of the (small) A, which stays in L1/L2; B itself is too large to stay in cache across steps.
                for (int jr = 0; jr < N; jr += nr)
                {
                    int cols = Math.Min(nr, N - jr);
                    T* bp = block + (nint)jr * kc;
                    for (int ir = 0; ir < m; ir += mr)
                    {
                        int rows = Math.Min(mr, m - ir);
                        T* ap = packA + (nint)ir * kc;
                        T* cRow = c + ir * ldc;
                        if (rows == mr && cols == nr)
                        {
                            TKernel.Run(kc, ap, mr, bp, nr, cRow + jr, ldc, T.One, betaBlock);
                            continue;
                        }
                        TKernel.Run(kc, ap, mr, bp, nr, tile, nr, T.One, T.Zero);
                        for (int r = 0; r < rows; r++)
                        {
                            for (int j = 0; j < cols; j++)
                            {
                                T* cij = cRow + r * ldc + jr + j;
                                T t = tile[r * nr + j];
                                *cij = betaBlock == T.Zero ? t : GemmFma.Epilogue(*cij, betaBlock, t);
                            }
                        }
                    }
                }
            }
        }
    }
}

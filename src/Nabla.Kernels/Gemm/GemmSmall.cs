using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// The small-matrix path: no packing of A, SIMD over columns of C reading op(B) rows in place. For problems this
/// small, copying A and B into panels (and the edge-tile bookkeeping) costs as much as the multiply itself.
/// </summary>
/// <remarks>
/// op(A) elements are broadcast straight from A whatever its transposition (a stride pair covers both layouts). op(B)
/// must be read along rows; when transB is set those rows are strided, so op(B) (k x n, at most the small threshold)
/// is first transposed into a per-thread buffer. Tiles are 4 rows x 2 vectors (8 independent FMA chains, enough to
/// hide FMA latency on two pipes), then 4 x 1 vector, then scalar columns; leftover rows use 1-row variants.
/// </remarks>
internal static unsafe class GemmSmall<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int Rows = 4;

    /// <summary>C = alpha * op(A) * op(B) + beta * C; arguments already validated, k &gt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(
        bool transA, bool transB, int m, int n, int k, T alpha, T* a, nint lda, T* b, nint ldb, T beta, T* c, nint ldc)
    {
        if (transB)
        {
            T* bt = GemmBuffers<T>.Small((nint)k * n);
            GemmPacking.Transpose(b, ldb, n, k, bt, n);
            b = bt;
            ldb = n;
        }
        // op(A)[i, p] = a[i*rs + p*cs].
        nint rs = transA ? 1 : lda;
        nint cs = transA ? lda : 1;
        int i = 0;
        for (; i + Rows <= m; i += Rows)
        {
            RowBlock4(n, k, alpha, a + i * rs, rs, cs, b, ldb, beta, c + i * ldc, ldc);
        }
        for (; i < m; i++)
        {
            Row1(n, k, alpha, a + i * rs, cs, b, ldb, beta, c + i * ldc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowBlock4(int n, int k, T alpha, T* a, nint rs, nint cs, T* b, nint ldb, T beta, T* c, nint ldc)
    {
        int w = Vector<T>.Count;
        int j = 0;
        for (; j + 2 * w <= n; j += 2 * w)
        {
            Vector<T> c0 = default, c1 = default, c2 = default, c3 = default;
            Vector<T> d0 = default, d1 = default, d2 = default, d3 = default;
            T* ap = a;
            T* bp = b + j;
            for (int p = 0; p < k; p++)
            {
                Vector<T> b0 = Vector.Load(bp);
                Vector<T> b1 = Vector.Load(bp + w);
                Vector<T> a0 = new(ap[0]), a1 = new(ap[rs]), a2 = new(ap[2 * rs]), a3 = new(ap[3 * rs]);
                c0 = GemmFma.MulAdd(a0, b0, c0);
                d0 = GemmFma.MulAdd(a0, b1, d0);
                c1 = GemmFma.MulAdd(a1, b0, c1);
                d1 = GemmFma.MulAdd(a1, b1, d1);
                c2 = GemmFma.MulAdd(a2, b0, c2);
                d2 = GemmFma.MulAdd(a2, b1, d2);
                c3 = GemmFma.MulAdd(a3, b0, c3);
                d3 = GemmFma.MulAdd(a3, b1, d3);
                ap += cs;
                bp += ldb;
            }
            Store(c0, alpha, beta, c + j);
            Store(d0, alpha, beta, c + j + w);
            Store(c1, alpha, beta, c + ldc + j);
            Store(d1, alpha, beta, c + ldc + j + w);
            Store(c2, alpha, beta, c + 2 * ldc + j);
            Store(d2, alpha, beta, c + 2 * ldc + j + w);
            Store(c3, alpha, beta, c + 3 * ldc + j);
            Store(d3, alpha, beta, c + 3 * ldc + j + w);
        }
        for (; j + w <= n; j += w)
        {
            Vector<T> c0 = default, c1 = default, c2 = default, c3 = default;
            T* ap = a;
            T* bp = b + j;
            for (int p = 0; p < k; p++)
            {
                Vector<T> b0 = Vector.Load(bp);
                c0 = GemmFma.MulAdd(new Vector<T>(ap[0]), b0, c0);
                c1 = GemmFma.MulAdd(new Vector<T>(ap[rs]), b0, c1);
                c2 = GemmFma.MulAdd(new Vector<T>(ap[2 * rs]), b0, c2);
                c3 = GemmFma.MulAdd(new Vector<T>(ap[3 * rs]), b0, c3);
                ap += cs;
                bp += ldb;
            }
            Store(c0, alpha, beta, c + j);
            Store(c1, alpha, beta, c + ldc + j);
            Store(c2, alpha, beta, c + 2 * ldc + j);
            Store(c3, alpha, beta, c + 3 * ldc + j);
        }
        for (int r = 0; r < Rows; r++)
        {
            ScalarColumns(j, n, k, alpha, a + r * rs, cs, b, ldb, beta, c + r * ldc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row1(int n, int k, T alpha, T* a, nint cs, T* b, nint ldb, T beta, T* c)
    {
        int w = Vector<T>.Count;
        int j = 0;
        for (; j + 2 * w <= n; j += 2 * w)
        {
            Vector<T> c0 = default, c1 = default;
            T* ap = a;
            T* bp = b + j;
            for (int p = 0; p < k; p++)
            {
                Vector<T> a0 = new(*ap);
                c0 = GemmFma.MulAdd(a0, Vector.Load(bp), c0);
                c1 = GemmFma.MulAdd(a0, Vector.Load(bp + w), c1);
                ap += cs;
                bp += ldb;
            }
            Store(c0, alpha, beta, c + j);
            Store(c1, alpha, beta, c + j + w);
        }
        for (; j + w <= n; j += w)
        {
            Vector<T> c0 = default;
            T* ap = a;
            T* bp = b + j;
            for (int p = 0; p < k; p++)
            {
                c0 = GemmFma.MulAdd(new Vector<T>(*ap), Vector.Load(bp), c0);
                ap += cs;
                bp += ldb;
            }
            Store(c0, alpha, beta, c + j);
        }
        ScalarColumns(j, n, k, alpha, a, cs, b, ldb, beta, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScalarColumns(int j0, int n, int k, T alpha, T* a, nint cs, T* b, nint ldb, T beta, T* c)
    {
        for (int j = j0; j < n; j++)
        {
            T acc = T.Zero;
            T* ap = a;
            T* bp = b + j;
            for (int p = 0; p < k; p++)
            {
                acc = T.FusedMultiplyAdd(*ap, *bp, acc);
                ap += cs;
                bp += ldb;
            }
            T t = alpha * acc;
            c[j] = beta == T.Zero ? t : GemmFma.Epilogue(c[j], beta, t);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<T> acc, T alpha, T beta, T* c)
    {
        Vector<T> t = acc * new Vector<T>(alpha);
        Vector.Store(beta == T.Zero ? t : GemmFma.Fused(Vector.Load(c), new Vector<T>(beta), t), c);
    }
}

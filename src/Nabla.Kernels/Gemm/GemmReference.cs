using System.Numerics;

namespace Nabla.Kernels;

/// <summary>
/// Naive triple-loop GEMM with the same contract as <see cref="Gemm"/>: the test oracle and a readable statement of
/// the semantics. BLAS: sgemm/dgemm (row-major).
/// </summary>
/// <remarks>
/// Accumulates in T (not a wider type) in increasing p, then stores <c>alpha * acc</c> when beta is 0 (C is not
/// read) and <c>alpha * acc + beta * C</c> otherwise. Arguments are validated exactly as in <see cref="Gemm"/>.
/// </remarks>
public static class GemmReference
{
    /// <summary>C = alpha * op(A) * op(B) + beta * C for float; see <see cref="Gemm.Multiply(bool, bool, int, int,
    /// int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>.</summary>
    /// <param name="transA">Whether A is stored k x m (op(A) = Aᵀ).</param>
    /// <param name="transB">Whether B is stored n x k (op(B) = Bᵀ).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major, starting at its element (0,0).</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B, row-major, starting at its element (0,0).</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">Scale of the old C; 0 means C is overwritten without being read.</param>
    /// <param name="c">C (m x n), row-major.</param>
    /// <param name="ldc">Row stride of C.</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a,
        int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => MultiplyBatched(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);

    /// <summary>C = alpha * op(A) * op(B) + beta * C for double; parameters as for the float overload.</summary>
    /// <param name="transA">Whether A is stored k x m (op(A) = Aᵀ).</param>
    /// <param name="transB">Whether B is stored n x k (op(B) = Bᵀ).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major, starting at its element (0,0).</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">B, row-major, starting at its element (0,0).</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="beta">Scale of the old C; 0 means C is overwritten without being read.</param>
    /// <param name="c">C (m x n), row-major.</param>
    /// <param name="ldc">Row stride of C.</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, double alpha, ReadOnlySpan<double> a,
        int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
        => MultiplyBatched(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);

    /// <summary>Batched float GEMM; matrix t of A starts at a[t * strideA] (likewise B and C).</summary>
    /// <param name="transA">Whether A is stored k x m (op(A) = Aᵀ).</param>
    /// <param name="transB">Whether B is stored n x k (op(B) = Bᵀ).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">The A matrices.</param>
    /// <param name="lda">Row stride of each A as stored.</param>
    /// <param name="strideA">Elements between consecutive A matrices; 0 broadcasts one A.</param>
    /// <param name="b">The B matrices.</param>
    /// <param name="ldb">Row stride of each B as stored.</param>
    /// <param name="strideB">Elements between consecutive B matrices; 0 broadcasts one B.</param>
    /// <param name="beta">Scale of the old C; 0 means C is overwritten without being read.</param>
    /// <param name="c">The C matrices.</param>
    /// <param name="ldc">Row stride of each C.</param>
    /// <param name="strideC">Elements between consecutive C matrices.</param>
    /// <param name="batch">Number of matrices.</param>
    public static void MultiplyBatched(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, long strideA, ReadOnlySpan<float> b, int ldb, long strideB, float beta,
        Span<float> c, int ldc, long strideC, int batch)
        => Core(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);

    /// <summary>Batched double GEMM; matrix t of A starts at a[t * strideA] (likewise B and C).</summary>
    /// <param name="transA">Whether A is stored k x m (op(A) = Aᵀ).</param>
    /// <param name="transB">Whether B is stored n x k (op(B) = Bᵀ).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">The A matrices.</param>
    /// <param name="lda">Row stride of each A as stored.</param>
    /// <param name="strideA">Elements between consecutive A matrices; 0 broadcasts one A.</param>
    /// <param name="b">The B matrices.</param>
    /// <param name="ldb">Row stride of each B as stored.</param>
    /// <param name="strideB">Elements between consecutive B matrices; 0 broadcasts one B.</param>
    /// <param name="beta">Scale of the old C; 0 means C is overwritten without being read.</param>
    /// <param name="c">The C matrices.</param>
    /// <param name="ldc">Row stride of each C.</param>
    /// <param name="strideC">Elements between consecutive C matrices.</param>
    /// <param name="batch">Number of matrices.</param>
    public static void MultiplyBatched(bool transA, bool transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, long strideA, ReadOnlySpan<double> b, int ldb, long strideB, double beta,
        Span<double> c, int ldc, long strideC, int batch)
        => Core(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch);

    private static void Core<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
        long strideA, ReadOnlySpan<T> b, int ldb, long strideB, T beta, Span<T> c, int ldc, long strideC, int batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, strideA, b.Length, ldb, strideB,
            c.Length, ldc, strideC, batch);
        if (m == 0 || n == 0)
        {
            return;
        }
        for (int t = 0; t < batch; t++)
        {
            // With k == 0, A and B may be empty and are never read.
            ReadOnlySpan<T> at = k == 0 ? default : a[(int)(t * strideA)..];
            ReadOnlySpan<T> bt = k == 0 ? default : b[(int)(t * strideB)..];
            Span<T> ct = c[(int)(t * strideC)..];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    T acc = T.Zero;
                    for (int p = 0; p < k; p++)
                    {
                        T x = transA ? at[p * lda + i] : at[i * lda + p];
                        T y = transB ? bt[j * ldb + p] : bt[p * ldb + j];
                        acc += x * y;
                    }
                    ref T cij = ref ct[i * ldc + j];
                    cij = beta == T.Zero ? alpha * acc : alpha * acc + beta * cij;
                }
            }
        }
    }
}

using System.Numerics;

namespace Nabla.Kernels;

/// <summary>The naive triple loop: the oracle for <see cref="Gemm"/>.</summary>
public static class GemmReference
{
    /// <summary>C = α·op(A)·op(B) + β·C, row-major (see <see cref="Gemm"/>).</summary>
    public static void Multiply<T>(bool transA, bool transB, int m, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
                                   ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc) where T : INumber<T>
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                c[i * ldc + j] = beta == T.Zero ? alpha * sum : alpha * sum + beta * c[i * ldc + j];
            }
        }
    }
}

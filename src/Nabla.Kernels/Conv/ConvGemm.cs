using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>Register-blocked products for the small per-sample matrices of a convolution (few output channels,
/// short kernels), where a packed GEMM spends more time packing than multiplying.</summary>
/// <remarks>
/// <para><see cref="Panel{T}"/>: C (m × n) = A·B (or += A·B), A addressed through row and column strides (so Wᵀ costs
/// nothing), B and C row-major; 4 rows × 2 vectors of accumulators, the B vectors loaded once per 4 rows.</para>
/// <para><see cref="RowDots{T}"/>: C (m × n) += A·Bᵀ with A (m × len) and B (n × len) row-major, i.e. dot products of
/// rows; 2 × 4 blocks of vector accumulators reduced at the end. This is the weight gradient dy·colᵀ, whose inner
/// dimension (output positions) is the long one.</para>
/// </remarks>
internal static class ConvGemm
{
    /// <summary>C (m × n) = A·B, or C += A·B when <paramref name="accumulate"/>; A(i, p) = a[i·ars + p·acs].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Panel<T>(int m, int n, int k, T* a, nint ars, nint acs, T* b, nint ldb, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector<T>.Count, j = 0;
        for (; j + 2 * vc <= n; j += 2 * vc)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4) Block4x2(k, a + i * ars, ars, acs, b + j, ldb, c + i * ldc + j, ldc, accumulate);
            for (; i < m; i++) Block1x2(k, a + i * ars, acs, b + j, ldb, c + i * ldc + j, accumulate);
        }
        if (n - j >= vc)
        {
            VectorColumn(m, k, a, ars, acs, b + j, ldb, c + j, ldc, accumulate);
            j += vc;
        }
        if (j < n && n >= vc && !accumulate)
        {
            // The last partial vector: recompute the vector that ends at column n (overwriting is idempotent).
            VectorColumn(m, k, a, ars, acs, b + (n - vc), ldb, c + (n - vc), ldc, false);
            return;
        }
        for (; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                T* ai = a + i * ars;
                T acc = accumulate ? c[i * ldc + j] : T.Zero;
                for (int p = 0; p < k; p++) acc += ai[p * acs] * b[p * ldb + j];
                c[i * ldc + j] = acc;
            }
        }
    }

    private static unsafe void VectorColumn<T>(int m, int k, T* a, nint ars, nint acs, T* b, nint ldb, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
        {
            T* ai = a + i * ars;
            Vector<T> acc = accumulate ? Vector.Load(c + i * ldc) : default;
            for (int p = 0; p < k; p++) acc = GemmFma.MulAdd(new Vector<T>(ai[p * acs]), Vector.Load(b + p * ldb), acc);
            Vector.Store(acc, c + i * ldc);
        }
    }

    private static unsafe void Block4x2<T>(int k, T* a, nint ars, nint acs, T* b, nint ldb, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector<T>.Count;
        Vector<T> c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = Vector.Load(c); c01 = Vector.Load(c + vc);
            c10 = Vector.Load(c + ldc); c11 = Vector.Load(c + ldc + vc);
            c20 = Vector.Load(c + 2 * ldc); c21 = Vector.Load(c + 2 * ldc + vc);
            c30 = Vector.Load(c + 3 * ldc); c31 = Vector.Load(c + 3 * ldc + vc);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = default;
        }
        T* a0 = a, a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars;
        for (int p = 0; p < k; p++)
        {
            Vector<T> b0 = Vector.Load(b), b1 = Vector.Load(b + vc);
            nint o = p * acs;
            Vector<T> x = new(a0[o]);
            c00 = GemmFma.MulAdd(x, b0, c00); c01 = GemmFma.MulAdd(x, b1, c01);
            x = new(a1[o]);
            c10 = GemmFma.MulAdd(x, b0, c10); c11 = GemmFma.MulAdd(x, b1, c11);
            x = new(a2[o]);
            c20 = GemmFma.MulAdd(x, b0, c20); c21 = GemmFma.MulAdd(x, b1, c21);
            x = new(a3[o]);
            c30 = GemmFma.MulAdd(x, b0, c30); c31 = GemmFma.MulAdd(x, b1, c31);
            b += ldb;
        }
        Vector.Store(c00, c); Vector.Store(c01, c + vc);
        Vector.Store(c10, c + ldc); Vector.Store(c11, c + ldc + vc);
        Vector.Store(c20, c + 2 * ldc); Vector.Store(c21, c + 2 * ldc + vc);
        Vector.Store(c30, c + 3 * ldc); Vector.Store(c31, c + 3 * ldc + vc);
    }

    private static unsafe void Block1x2<T>(int k, T* a, nint acs, T* b, nint ldb, T* c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector<T>.Count;
        Vector<T> c0 = accumulate ? Vector.Load(c) : default, c1 = accumulate ? Vector.Load(c + vc) : default;
        for (int p = 0; p < k; p++)
        {
            Vector<T> x = new(a[p * acs]);
            c0 = GemmFma.MulAdd(x, Vector.Load(b), c0);
            c1 = GemmFma.MulAdd(x, Vector.Load(b + vc), c1);
            b += ldb;
        }
        Vector.Store(c0, c);
        Vector.Store(c1, c + vc);
    }

    /// <summary>C[i, j] += Σ_p a[i·lda + p]·b[j·ldb + p] for i &lt; m, j &lt; n, p &lt; len.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void RowDots<T>(int m, int n, int len, T* a, nint lda, T* b, nint ldb, T* c, nint ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vc = Vector<T>.Count, full = len / vc * vc;
        int i = 0;
        for (; i + 2 <= m; i += 2)
        {
            int j = 0;
            for (; j + 4 <= n; j += 4)
            {
                T* a0 = a + i * lda, a1 = a0 + lda;
                T* b0 = b + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                Vector<T> s00 = default, s01 = default, s02 = default, s03 = default;
                Vector<T> s10 = default, s11 = default, s12 = default, s13 = default;
                for (int p = 0; p < full; p += vc)
                {
                    Vector<T> x0 = Vector.Load(a0 + p), x1 = Vector.Load(a1 + p);
                    Vector<T> y = Vector.Load(b0 + p);
                    s00 = GemmFma.MulAdd(x0, y, s00); s10 = GemmFma.MulAdd(x1, y, s10);
                    y = Vector.Load(b1 + p);
                    s01 = GemmFma.MulAdd(x0, y, s01); s11 = GemmFma.MulAdd(x1, y, s11);
                    y = Vector.Load(b2 + p);
                    s02 = GemmFma.MulAdd(x0, y, s02); s12 = GemmFma.MulAdd(x1, y, s12);
                    y = Vector.Load(b3 + p);
                    s03 = GemmFma.MulAdd(x0, y, s03); s13 = GemmFma.MulAdd(x1, y, s13);
                }
                T* c0 = c + i * ldc + j, c1 = c0 + ldc;
                c0[0] += Vector.Sum(s00) + Tail(a0, b0, full, len); c0[1] += Vector.Sum(s01) + Tail(a0, b1, full, len);
                c0[2] += Vector.Sum(s02) + Tail(a0, b2, full, len); c0[3] += Vector.Sum(s03) + Tail(a0, b3, full, len);
                c1[0] += Vector.Sum(s10) + Tail(a1, b0, full, len); c1[1] += Vector.Sum(s11) + Tail(a1, b1, full, len);
                c1[2] += Vector.Sum(s12) + Tail(a1, b2, full, len); c1[3] += Vector.Sum(s13) + Tail(a1, b3, full, len);
            }
            for (; j < n; j++)
            {
                c[i * ldc + j] += Dot(a + i * lda, b + j * ldb, full, len);
                c[(i + 1) * ldc + j] += Dot(a + (i + 1) * lda, b + j * ldb, full, len);
            }
        }
        for (; i < m; i++)
        {
            for (int j = 0; j < n; j++) c[i * ldc + j] += Dot(a + i * lda, b + j * ldb, full, len);
        }
    }

    private static unsafe T Dot<T>(T* x, T* y, int full, int len) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Vector<T> s = default;
        for (int p = 0; p < full; p += Vector<T>.Count) s = GemmFma.MulAdd(Vector.Load(x + p), Vector.Load(y + p), s);
        return Vector.Sum(s) + Tail(x, y, full, len);
    }

    private static unsafe T Tail<T>(T* x, T* y, int from, int len) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        for (int p = from; p < len; p++) s += x[p] * y[p];
        return s;
    }
}

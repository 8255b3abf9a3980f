using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>Matrix–vector products (one row of C): the shape of single-sample inference, where packing panels
/// for a blocked GEMM costs more than the arithmetic. BLAS: sgemv/dgemv.</summary>
internal static class GemmVector
{
    // Four rows of B per pass: four independent FMA chains hide the FMA latency (4 cycles on Zen 4, 2 issued per
    // cycle), and each loaded slice of x serves four rows.
    private const int RowsPerBlock = 4;

    /// <summary>a·b + c with one rounding (the JIT drops the branches not taken for each T).</summary>
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    /// <summary>dots[r] = x · B[j + r, :] for r = 0..3, B rows contiguous with stride ldb.</summary>
    private static void DotRows<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> b, int j, int ldb, int k, Span<T> dots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T b0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(b), j * ldb);
        ref T b1 = ref Unsafe.Add(ref b0, ldb);
        ref T b2 = ref Unsafe.Add(ref b1, ldb);
        ref T b3 = ref Unsafe.Add(ref b2, ldb);
        Vector256<T> a0 = Vector256<T>.Zero, a1 = a0, a2 = a0, a3 = a0;
        int w = Vector256<T>.Count, p = 0;
        for (; p + w <= k; p += w)
        {
            Vector256<T> xv = Vector256.LoadUnsafe(ref xr, (nuint)p);
            a0 = Fma(xv, Vector256.LoadUnsafe(ref b0, (nuint)p), a0);
            a1 = Fma(xv, Vector256.LoadUnsafe(ref b1, (nuint)p), a1);
            a2 = Fma(xv, Vector256.LoadUnsafe(ref b2, (nuint)p), a2);
            a3 = Fma(xv, Vector256.LoadUnsafe(ref b3, (nuint)p), a3);
        }
        T s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
        for (; p < k; p++)
        {
            T xp = Unsafe.Add(ref xr, p);
            s0 += xp * Unsafe.Add(ref b0, p);
            s1 += xp * Unsafe.Add(ref b1, p);
            s2 += xp * Unsafe.Add(ref b2, p);
            s3 += xp * Unsafe.Add(ref b3, p);
        }
        dots[0] = s0;
        dots[1] = s1;
        dots[2] = s2;
        dots[3] = s3;
    }

    /// <summary>c[0, :] = α·op(A)[0, :]·op(B) + β·c[0, :] for m = 1.</summary>
    /// <remarks>With op(B) = Bᵀ each output is a dot product of the row x with a contiguous row of B; otherwise
    /// the output row accumulates x[p]·B[p, :] over p (row-wise axpy), which reads B once, in order.</remarks>
    public static void RowTimesMatrix<T>(bool transA, bool transB, int n, int k, T alpha, ReadOnlySpan<T> a, int lda,
                                         ReadOnlySpan<T> b, int ldb, T beta, Span<T> c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[]? rented = null;
        ReadOnlySpan<T> x;
        if (!transA || k <= 1 || lda == 1) x = a[..k];
        else
        {
            // op(A) = Aᵀ with m = 1: the row is column 0 of the stored A, every lda-th element.
            rented = ArrayPool<T>.Shared.Rent(k);
            for (int p = 0; p < k; p++) rented[p] = a[p * lda];
            x = rented.AsSpan(0, k);
        }
        Span<T> row = c[..n];
        if (transB)
        {
            int j = 0;
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && k >= Vector256<T>.Count)
            {
                Span<T> dots = stackalloc T[RowsPerBlock];
                for (; j + RowsPerBlock <= n; j += RowsPerBlock)
                {
                    DotRows(x, b, j, ldb, k, dots);
                    for (int r = 0; r < RowsPerBlock; r++)
                        row[j + r] = beta == T.Zero ? alpha * dots[r] : alpha * dots[r] + beta * row[j + r];
                }
            }
            for (; j < n; j++)
            {
                T dot = k == 0 ? T.Zero : TensorPrimitives.Dot(x, b.Slice(j * ldb, k));
                row[j] = beta == T.Zero ? alpha * dot : alpha * dot + beta * row[j];
            }
        }
        else
        {
            if (beta == T.Zero) row.Clear();
            else if (beta != T.One) TensorPrimitives.Multiply(row, beta, row);
            for (int p = 0; p < k; p++)
            {
                T scale = alpha * x[p];
                if (scale != T.Zero) TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), scale, row, row);
            }
        }
        if (rented is not null) ArrayPool<T>.Shared.Return(rented);
    }
}

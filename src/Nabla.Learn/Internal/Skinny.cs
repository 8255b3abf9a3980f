using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nabla.Kernels;

namespace Nabla.Learn;

/// <summary>Products of a tall matrix X (N, F) with a few (K ≤ ~32) rows: Z = X Wᵀ (N, K) and G = Rᵀ X (K, F), the
/// shapes of every per-class or per-component step of the linear models, k-means and mixtures.</summary>
/// <remarks>A packed GEMM copies all of X into panels on every call, which for K output columns is as much memory
/// traffic as the arithmetic itself; these read X once, row by row, in place, with the K rows of W (or the K
/// accumulator rows) held in cache. Rows are split over <see cref="Threading.NumThreads"/> in fixed contiguous blocks.
/// <see cref="GemmReference"/> is the oracle in the tests.</remarks>
internal static class Skinny
{
    /// <summary>Z = X Wᵀ (+ Z when <paramref name="accumulate"/>), X (n, f), W (k, f), Z (n, k), all row-major.</summary>
    public static void XWt(double[] x, int n, int f, double[] w, int k, double[] z, bool accumulate = false)
    {
        Threading.ForBlocks(n, (long)f * k, (start, count) => XWtRows(x, f, w, k, z, accumulate, start, count));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void XWtRows(double[] x, int f, double[] w, int k, double[] z, bool accumulate, int start, int count)
    {
        int vw = Vector256<double>.Count;
        ref double w0 = ref MemoryMarshal.GetArrayDataReference(w);
        for (int i = start; i < start + count; i++)
        {
            ref double xr = ref MemoryMarshal.GetArrayDataReference(x);
            xr = ref Unsafe.Add(ref xr, (nint)i * f);
            int c = 0;
            // Four rows of W per pass: four independent FMA chains, each loaded slice of the x row used four times.
            for (; c + 4 <= k; c += 4)
            {
                ref double b0 = ref Unsafe.Add(ref w0, c * f);
                ref double b1 = ref Unsafe.Add(ref b0, f);
                ref double b2 = ref Unsafe.Add(ref b1, f);
                ref double b3 = ref Unsafe.Add(ref b2, f);
                Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
                int p = 0;
                for (; p + vw <= f; p += vw)
                {
                    Vector256<double> xv = Vector256.LoadUnsafe(ref xr, (nuint)p);
                    a0 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref b0, (nuint)p), a0);
                    a1 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref b1, (nuint)p), a1);
                    a2 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref b2, (nuint)p), a2);
                    a3 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref b3, (nuint)p), a3);
                }
                double s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1), s2 = Vector256.Sum(a2), s3 = Vector256.Sum(a3);
                for (; p < f; p++)
                {
                    double xp = Unsafe.Add(ref xr, p);
                    s0 += xp * Unsafe.Add(ref b0, p);
                    s1 += xp * Unsafe.Add(ref b1, p);
                    s2 += xp * Unsafe.Add(ref b2, p);
                    s3 += xp * Unsafe.Add(ref b3, p);
                }
                Store(z, i * k + c, s0, accumulate);
                Store(z, i * k + c + 1, s1, accumulate);
                Store(z, i * k + c + 2, s2, accumulate);
                Store(z, i * k + c + 3, s3, accumulate);
            }
            // Two rows of W, then one: two FMA chains still halve the latency-bound time of a single chain.
            for (; c + 2 <= k; c += 2)
            {
                ref double b0 = ref Unsafe.Add(ref w0, c * f);
                ref double b1 = ref Unsafe.Add(ref b0, f);
                Vector256<double> a0 = Vector256<double>.Zero, a1 = a0;
                int p = 0;
                for (; p + vw <= f; p += vw)
                {
                    Vector256<double> xv = Vector256.LoadUnsafe(ref xr, (nuint)p);
                    a0 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref b0, (nuint)p), a0);
                    a1 = Vector256.FusedMultiplyAdd(xv, Vector256.LoadUnsafe(ref b1, (nuint)p), a1);
                }
                double s0 = Vector256.Sum(a0), s1 = Vector256.Sum(a1);
                for (; p < f; p++)
                {
                    double xp = Unsafe.Add(ref xr, p);
                    s0 += xp * Unsafe.Add(ref b0, p);
                    s1 += xp * Unsafe.Add(ref b1, p);
                }
                Store(z, i * k + c, s0, accumulate);
                Store(z, i * k + c + 1, s1, accumulate);
            }
            for (; c < k; c++)
            {
                ref double b0 = ref Unsafe.Add(ref w0, c * f);
                Vector256<double> a0 = Vector256<double>.Zero;
                int p = 0;
                for (; p + vw <= f; p += vw)
                    a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)p), Vector256.LoadUnsafe(ref b0, (nuint)p), a0);
                double s0 = Vector256.Sum(a0);
                for (; p < f; p++) s0 += Unsafe.Add(ref xr, p) * Unsafe.Add(ref b0, p);
                Store(z, i * k + c, s0, accumulate);
            }
        }
    }

    private static void Store(double[] z, int index, double value, bool accumulate) => z[index] = accumulate ? z[index] + value : value;

    /// <summary>G = alpha · Rᵀ X (k, f) from R (n, k) and X (n, f), row-major: G[c, :] = alpha · Σ_i R[i, c] X[i, :].</summary>
    /// <remarks>Each block of rows accumulates into its own (k, f) partial sum; the partial sums are added in block
    /// order, so the result depends only on the thread count.</remarks>
    public static void RtX(double[] r, int n, int k, double[] x, int f, double[] g, double alpha = 1)
    {
        int parts = (int)Math.Clamp(Math.Min(Threading.NumThreads, (long)n * f * k / Threading.GrainSize), 1, Math.Max(n, 1));
        var partial = new double[parts][];
        Threading.For(parts, part =>
        {
            int start = (int)((long)part * n / parts), end = (int)((long)(part + 1) * n / parts);
            partial[part] = new double[k * f];
            RtXRows(r, k, x, f, partial[part], start, end);
        });
        for (int a = 0; a < k * f; a++)
        {
            double s = 0;
            for (int part = 0; part < parts; part++) s += partial[part][a];
            g[a] = alpha * s;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RtXRows(double[] r, int k, double[] x, int f, double[] acc, int start, int end)
    {
        int vw = Vector256<double>.Count;
        // Rows in blocks whose k coefficients stay in L1; within a block, for each 8-column slice (one cache line of a
        // row) and 4 classes, 8 accumulators stay in registers while the block's rows stream past: each loaded x slice
        // feeds 8 FMAs and the accumulators are stored once per block instead of once per row.
        const int Block = 256;
        ref double x0 = ref MemoryMarshal.GetArrayDataReference(x);
        ref double r0 = ref MemoryMarshal.GetArrayDataReference(r);
        ref double g0 = ref MemoryMarshal.GetArrayDataReference(acc);
        for (int i0 = start; i0 < end; i0 += Block)
        {
            int i1 = Math.Min(end, i0 + Block);
            int j = 0;
            for (; j + 2 * vw <= f; j += 2 * vw)
            {
                int c = 0;
                for (; c + 4 <= k; c += 4)
                {
                    Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                    for (int i = i0; i < i1; i++)
                    {
                        ref double xr = ref Unsafe.Add(ref x0, (nint)i * f + j);
                        Vector256<double> xa = Vector256.LoadUnsafe(ref xr), xb = Vector256.LoadUnsafe(ref xr, (nuint)vw);
                        ref double rr = ref Unsafe.Add(ref r0, (nint)i * k + c);
                        Vector256<double> r0v = Vector256.Create(rr), r1v = Vector256.Create(Unsafe.Add(ref rr, 1));
                        Vector256<double> r2v = Vector256.Create(Unsafe.Add(ref rr, 2)), r3v = Vector256.Create(Unsafe.Add(ref rr, 3));
                        a0 = Vector256.FusedMultiplyAdd(r0v, xa, a0);
                        a1 = Vector256.FusedMultiplyAdd(r0v, xb, a1);
                        a2 = Vector256.FusedMultiplyAdd(r1v, xa, a2);
                        a3 = Vector256.FusedMultiplyAdd(r1v, xb, a3);
                        a4 = Vector256.FusedMultiplyAdd(r2v, xa, a4);
                        a5 = Vector256.FusedMultiplyAdd(r2v, xb, a5);
                        a6 = Vector256.FusedMultiplyAdd(r3v, xa, a6);
                        a7 = Vector256.FusedMultiplyAdd(r3v, xb, a7);
                    }
                    AddTo(ref Unsafe.Add(ref g0, c * f + j), a0, a1, vw);
                    AddTo(ref Unsafe.Add(ref g0, (c + 1) * f + j), a2, a3, vw);
                    AddTo(ref Unsafe.Add(ref g0, (c + 2) * f + j), a4, a5, vw);
                    AddTo(ref Unsafe.Add(ref g0, (c + 3) * f + j), a6, a7, vw);
                }
                for (; c < k; c++)
                {
                    Vector256<double> a0 = Vector256<double>.Zero, a1 = a0;
                    for (int i = i0; i < i1; i++)
                    {
                        ref double xr = ref Unsafe.Add(ref x0, (nint)i * f + j);
                        Vector256<double> rv = Vector256.Create(Unsafe.Add(ref r0, (nint)i * k + c));
                        a0 = Vector256.FusedMultiplyAdd(rv, Vector256.LoadUnsafe(ref xr), a0);
                        a1 = Vector256.FusedMultiplyAdd(rv, Vector256.LoadUnsafe(ref xr, (nuint)vw), a1);
                    }
                    AddTo(ref Unsafe.Add(ref g0, c * f + j), a0, a1, vw);
                }
            }
            // The last f mod 8 columns, scalar.
            for (int i = i0; i < i1; i++)
                for (int c = 0; c < k; c++)
                {
                    double rc = Unsafe.Add(ref r0, (nint)i * k + c);
                    for (int jj = j; jj < f; jj++) Unsafe.Add(ref g0, c * f + jj) += rc * Unsafe.Add(ref x0, (nint)i * f + jj);
                }
        }
    }

    private static void AddTo(ref double target, Vector256<double> lo, Vector256<double> hi, int vw)
    {
        (Vector256.LoadUnsafe(ref target) + lo).StoreUnsafe(ref target);
        (Vector256.LoadUnsafe(ref target, (nuint)vw) + hi).StoreUnsafe(ref target, (nuint)vw);
    }
}

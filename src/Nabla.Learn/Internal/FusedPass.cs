using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Nabla.Kernels;

namespace Nabla.Learn;

/// <summary>A linear model's loss and gradient in one pass over X (N, F): for each block of rows, the scores
/// Z = X Wᵀ + b, the residuals R = ∂ℓ/∂Z with the block's loss, then G += Rᵀ X while the block is still in cache.</summary>
/// <remarks>Calling <see cref="Skinny.XWt"/> then <see cref="Skinny.RtX"/> streams X from memory twice per evaluation;
/// here each row block is read from memory once and reused from L2 for the second product. X may be float or double
/// (a float32 input is kept as float, halving the traffic); every product is computed in double, so the result is
/// the same as for the input converted to double. Classes are processed four at a time (W padded with zero rows to a
/// multiple of four); rows are split over <see cref="Threading.NumThreads"/> in fixed contiguous parts whose partial
/// sums are added in part order, so the result depends only on the thread count. <see cref="Skinny"/> (oracle
/// <see cref="GemmReference"/>) is the composite the tests compare against.</remarks>
internal static class FusedPass
{
    /// <summary>Turns a block of scores into residuals in place and returns the block's loss: rows
    /// <paramref name="start"/>…<paramref name="start"/>+<paramref name="count"/>−1 of Z, row r at z[r·ldz], its first K
    /// entries the classes' scores X Wᵀ (without intercept).</summary>
    public delegate double BlockLoss(Span<double> z, int ldz, int start, int count);

    /// <summary>Rows per block: 64 rows of 784 features are 200 KB (float) or 400 KB (double), inside a 1 MB L2
    /// next to the padded W and the gradient partial sums.</summary>
    private const int BlockRows = 64;

    /// <summary>Bytes per cache line, the unit of prefetching.</summary>
    private const int CacheLine = 64;

    /// <summary>Classes per register tile of the 256-bit kernels; K is padded to a multiple of it.</summary>
    private const int Group = 4;

    /// <summary>Classes per register tile of the 512-bit kernels: 4 rows × 5 classes = 20 of the 32 zmm registers, and
    /// the ten classes of Fashion-MNIST or MNIST need no padding.</summary>
    private const int Group512 = 5;

    /// <summary>Whether the 512-bit kernels run (AVX-512 hardware); tests switch it off to check the 256-bit ones.</summary>
    internal static bool UseVector512 { get; set; } = Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>Computes Σ loss over all rows, G = Rᵀ X (k, f) into <paramref name="g"/> and Σ_i R[i, c] into
    /// <paramref name="rSum"/> (k), with Z = X Wᵀ from the first k·f entries of <paramref name="w"/> (row-major (k, f)).</summary>
    public static double Run<T>(T[] x, int n, int f, double[] w, int k, BlockLoss loss, double[] g, double[] rSum) where T : unmanaged
    {
        bool wide = UseVector512;
        int group = wide ? Group512 : Group;
        int kp = (k + group - 1) / group * group;
        var wPad = new double[kp * f];
        Array.Copy(w, wPad, k * f);
        int parts = (int)Math.Clamp(Math.Min(Threading.NumThreads, (long)n * f * k / Threading.GrainSize), 1, Math.Max(n, 1));
        var partialG = new double[parts][];
        var partialR = new double[parts][];
        var partialLoss = new double[parts];
        Threading.For(parts, part =>
        {
            int start = (int)((long)part * n / parts), end = (int)((long)(part + 1) * n / parts);
            var z = new double[BlockRows * kp];
            var gp = new double[kp * f];
            var rs = new double[k];
            double sum = 0;
            for (int i0 = start; i0 < end; i0 += BlockRows)
            {
                int count = Math.Min(BlockRows, end - i0);
                if (wide) Scores512(x, f, wPad, kp, z, i0, count);
                else Scores(x, f, wPad, kp, z, i0, count);
                sum += loss(z.AsSpan(0, count * kp), kp, i0, count);
                for (int i = 0; i < count; i++)
                    for (int c = 0; c < k; c++) rs[c] += z[i * kp + c];
                // While this block's products run from L2, the next block is prefetched into L2 (memory otherwise idles).
                int nextLines = (int)((long)Math.Min(BlockRows, end - i0 - count) * f * Unsafe.SizeOf<T>() / CacheLine);
                if (wide) Accumulate512(z, kp, x, f, gp, i0, count, Math.Max(nextLines, 0));
                else Accumulate(z, kp, x, f, gp, i0, count);
            }
            (partialG[part], partialR[part], partialLoss[part]) = (gp, rs, sum);
        });
        double total = 0;
        Array.Clear(rSum, 0, k);
        for (int a = 0; a < k * f; a++)
        {
            double s = 0;
            for (int part = 0; part < parts; part++) s += partialG[part][a];
            g[a] = s;
        }
        for (int part = 0; part < parts; part++)
        {
            total += partialLoss[part];
            for (int c = 0; c < k; c++) rSum[c] += partialR[part][c];
        }
        return total;
    }

    /// <summary>Four consecutive elements of x (float or double) as doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load<T>(ref T x, int offset) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref x), (nuint)offset);
        Vector128<float> v = Vector128.LoadUnsafe(ref Unsafe.As<T, float>(ref x), (nuint)offset);
        return Avx.IsSupported ? Avx.ConvertToVector256Double(v) : Vector256.WidenLower(v.ToVector256Unsafe());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Scalar<T>(ref T x, int offset) where T : unmanaged =>
        typeof(T) == typeof(double) ? Unsafe.Add(ref Unsafe.As<T, double>(ref x), offset) : Unsafe.Add(ref Unsafe.As<T, float>(ref x), offset);

    /// <summary>Σ_{p ≥ from} x[p] w[p]: the f mod 4 columns the vector loops leave.</summary>
    private static double Tail<T>(ref T x, ref double w, int from, int f) where T : unmanaged
    {
        double s = 0;
        for (int p = from; p < f; p++) s += Scalar(ref x, p) * Unsafe.Add(ref w, p);
        return s;
    }

    /// <summary>z[r, c] = x[i0 + r, :] · w[c, :] for r &lt; count, c &lt; kp (kp a multiple of 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores<T>(T[] x, int f, double[] w, int kp, double[] z, int i0, int count) where T : unmanaged
    {
        ref T x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), (nint)i0 * f);
        ref double w0 = ref MemoryMarshal.GetArrayDataReference(w);
        int r = 0;
        // Four rows × four classes: 16 accumulators; each loaded x slice feeds four FMAs and each w slice four.
        for (; r + 4 <= count; r += 4)
        {
            ref T xa = ref Unsafe.Add(ref x0, (nint)r * f);
            ref T xb = ref Unsafe.Add(ref xa, f);
            ref T xc = ref Unsafe.Add(ref xb, f);
            ref T xd = ref Unsafe.Add(ref xc, f);
            for (int c = 0; c < kp; c += Group)
            {
                ref double b0 = ref Unsafe.Add(ref w0, c * f);
                ref double b1 = ref Unsafe.Add(ref b0, f);
                ref double b2 = ref Unsafe.Add(ref b1, f);
                ref double b3 = ref Unsafe.Add(ref b2, f);
                Vector256<double> a00 = Vector256<double>.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
                Vector256<double> a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                int p = 0;
                for (; p + 4 <= f; p += 4)
                {
                    Vector256<double> va = Load(ref xa, p), vb = Load(ref xb, p), vc = Load(ref xc, p), vd = Load(ref xd, p);
                    Vector256<double> wv = Vector256.LoadUnsafe(ref b0, (nuint)p);
                    a00 = Vector256.FusedMultiplyAdd(va, wv, a00);
                    a10 = Vector256.FusedMultiplyAdd(vb, wv, a10);
                    a20 = Vector256.FusedMultiplyAdd(vc, wv, a20);
                    a30 = Vector256.FusedMultiplyAdd(vd, wv, a30);
                    wv = Vector256.LoadUnsafe(ref b1, (nuint)p);
                    a01 = Vector256.FusedMultiplyAdd(va, wv, a01);
                    a11 = Vector256.FusedMultiplyAdd(vb, wv, a11);
                    a21 = Vector256.FusedMultiplyAdd(vc, wv, a21);
                    a31 = Vector256.FusedMultiplyAdd(vd, wv, a31);
                    wv = Vector256.LoadUnsafe(ref b2, (nuint)p);
                    a02 = Vector256.FusedMultiplyAdd(va, wv, a02);
                    a12 = Vector256.FusedMultiplyAdd(vb, wv, a12);
                    a22 = Vector256.FusedMultiplyAdd(vc, wv, a22);
                    a32 = Vector256.FusedMultiplyAdd(vd, wv, a32);
                    wv = Vector256.LoadUnsafe(ref b3, (nuint)p);
                    a03 = Vector256.FusedMultiplyAdd(va, wv, a03);
                    a13 = Vector256.FusedMultiplyAdd(vb, wv, a13);
                    a23 = Vector256.FusedMultiplyAdd(vc, wv, a23);
                    a33 = Vector256.FusedMultiplyAdd(vd, wv, a33);
                }
                ref double za = ref z[r * kp + c];
                Store4(ref za, a00, a01, a02, a03);
                Store4(ref Unsafe.Add(ref za, kp), a10, a11, a12, a13);
                Store4(ref Unsafe.Add(ref za, 2 * kp), a20, a21, a22, a23);
                Store4(ref Unsafe.Add(ref za, 3 * kp), a30, a31, a32, a33);
                // Tails after the accumulators are dead (see Scores512).
                if (p < f)
                    for (int q = 0; q < 4; q++) AddTails(ref Unsafe.Add(ref za, q * kp), ref Unsafe.Add(ref xa, q * f), ref b0, Group, p, f);
            }
        }
        // The last count mod 4 rows, one at a time (four classes, four FMA chains).
        for (; r < count; r++)
        {
            ref T xa = ref Unsafe.Add(ref x0, (nint)r * f);
            for (int c = 0; c < kp; c += Group)
            {
                ref double b0 = ref Unsafe.Add(ref w0, c * f);
                ref double b1 = ref Unsafe.Add(ref b0, f);
                ref double b2 = ref Unsafe.Add(ref b1, f);
                ref double b3 = ref Unsafe.Add(ref b2, f);
                Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
                int p = 0;
                for (; p + 4 <= f; p += 4)
                {
                    Vector256<double> va = Load(ref xa, p);
                    a0 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b0, (nuint)p), a0);
                    a1 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b1, (nuint)p), a1);
                    a2 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b2, (nuint)p), a2);
                    a3 = Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref b3, (nuint)p), a3);
                }
                Store4(ref z[r * kp + c], a0, a1, a2, a3);
                if (p < f) AddTails(ref z[r * kp + c], ref xa, ref b0, Group, p, f);
            }
        }
    }

    /// <summary>Writes the horizontal sums of four class accumulators of one row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(ref double z, Vector256<double> a0, Vector256<double> a1, Vector256<double> a2, Vector256<double> a3)
    {
        z = Vector256.Sum(a0);
        Unsafe.Add(ref z, 1) = Vector256.Sum(a1);
        Unsafe.Add(ref z, 2) = Vector256.Sum(a2);
        Unsafe.Add(ref z, 3) = Vector256.Sum(a3);
    }

    /// <summary>g[c, :] += Σ_r z[r, c] x[i0 + r, :] for r &lt; count, c &lt; kp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate<T>(double[] z, int kp, T[] x, int f, double[] g, int i0, int count) where T : unmanaged
    {
        ref T x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), (nint)i0 * f);
        ref double z0 = ref MemoryMarshal.GetArrayDataReference(z);
        ref double g0 = ref MemoryMarshal.GetArrayDataReference(g);
        int j = 0;
        // An 8-column slice × four classes: 8 accumulators stay in registers while the block's rows stream past, each
        // loaded x slice feeding 8 FMAs; the slice (count rows × 8 values) stays in L1 across the class groups.
        for (; j + 8 <= f; j += 8)
        {
            for (int c = 0; c < kp; c += Group)
            {
                Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
                for (int r = 0; r < count; r++)
                {
                    ref T xr = ref Unsafe.Add(ref x0, (nint)r * f + j);
                    Vector256<double> xa = Load(ref xr, 0), xb = Load(ref xr, 4);
                    ref double zr = ref Unsafe.Add(ref z0, r * kp + c);
                    Vector256<double> r0 = Vector256.Create(zr), r1 = Vector256.Create(Unsafe.Add(ref zr, 1));
                    Vector256<double> r2 = Vector256.Create(Unsafe.Add(ref zr, 2)), r3 = Vector256.Create(Unsafe.Add(ref zr, 3));
                    a0 = Vector256.FusedMultiplyAdd(r0, xa, a0);
                    a1 = Vector256.FusedMultiplyAdd(r0, xb, a1);
                    a2 = Vector256.FusedMultiplyAdd(r1, xa, a2);
                    a3 = Vector256.FusedMultiplyAdd(r1, xb, a3);
                    a4 = Vector256.FusedMultiplyAdd(r2, xa, a4);
                    a5 = Vector256.FusedMultiplyAdd(r2, xb, a5);
                    a6 = Vector256.FusedMultiplyAdd(r3, xa, a6);
                    a7 = Vector256.FusedMultiplyAdd(r3, xb, a7);
                }
                AddTo(ref Unsafe.Add(ref g0, c * f + j), a0, a1);
                AddTo(ref Unsafe.Add(ref g0, (c + 1) * f + j), a2, a3);
                AddTo(ref Unsafe.Add(ref g0, (c + 2) * f + j), a4, a5);
                AddTo(ref Unsafe.Add(ref g0, (c + 3) * f + j), a6, a7);
            }
        }
        // The last f mod 8 columns, scalar.
        if (j == f) return;
        for (int r = 0; r < count; r++)
            for (int c = 0; c < kp; c++)
            {
                double rc = Unsafe.Add(ref z0, r * kp + c);
                ref T xr = ref Unsafe.Add(ref x0, (nint)r * f);
                for (int jj = j; jj < f; jj++) Unsafe.Add(ref g0, c * f + jj) += rc * Scalar(ref xr, jj);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref double target, Vector256<double> lo, Vector256<double> hi)
    {
        (Vector256.LoadUnsafe(ref target) + lo).StoreUnsafe(ref target);
        (Vector256.LoadUnsafe(ref target, 4) + hi).StoreUnsafe(ref target, 4);
    }

    /// <summary>Eight consecutive elements of x (float or double) as doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Load8<T>(ref T x, int offset) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector512.LoadUnsafe(ref Unsafe.As<T, double>(ref x), (nuint)offset);
        return Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref x), (nuint)offset));
    }

    /// <summary><see cref="Scores"/> with 512-bit vectors and five classes per tile (kp a multiple of 5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores512<T>(T[] x, int f, double[] w, int kp, double[] z, int i0, int count) where T : unmanaged
    {
        ref T x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), (nint)i0 * f);
        ref double w0 = ref MemoryMarshal.GetArrayDataReference(w);
        int r = 0;
        // Four rows × five classes: 20 accumulators; each loaded x slice feeds five FMAs and each w slice four.
        for (; r + 4 <= count; r += 4)
        {
            ref T xa = ref Unsafe.Add(ref x0, (nint)r * f);
            ref T xb = ref Unsafe.Add(ref xa, f);
            ref T xc = ref Unsafe.Add(ref xb, f);
            ref T xd = ref Unsafe.Add(ref xc, f);
            for (int c = 0; c < kp; c += Group512)
            {
                ref double b0 = ref Unsafe.Add(ref w0, c * f);
                ref double b1 = ref Unsafe.Add(ref b0, f);
                ref double b2 = ref Unsafe.Add(ref b1, f);
                ref double b3 = ref Unsafe.Add(ref b2, f);
                ref double b4 = ref Unsafe.Add(ref b3, f);
                Vector512<double> a00 = Vector512<double>.Zero, a01 = a00, a02 = a00, a03 = a00, a04 = a00;
                Vector512<double> a10 = a00, a11 = a00, a12 = a00, a13 = a00, a14 = a00;
                Vector512<double> a20 = a00, a21 = a00, a22 = a00, a23 = a00, a24 = a00;
                Vector512<double> a30 = a00, a31 = a00, a32 = a00, a33 = a00, a34 = a00;
                int p = 0;
                for (; p + 8 <= f; p += 8)
                {
                    Vector512<double> va = Load8(ref xa, p), vb = Load8(ref xb, p), vc = Load8(ref xc, p), vd = Load8(ref xd, p);
                    Vector512<double> wv = Vector512.LoadUnsafe(ref b0, (nuint)p);
                    a00 = Vector512.FusedMultiplyAdd(va, wv, a00);
                    a10 = Vector512.FusedMultiplyAdd(vb, wv, a10);
                    a20 = Vector512.FusedMultiplyAdd(vc, wv, a20);
                    a30 = Vector512.FusedMultiplyAdd(vd, wv, a30);
                    wv = Vector512.LoadUnsafe(ref b1, (nuint)p);
                    a01 = Vector512.FusedMultiplyAdd(va, wv, a01);
                    a11 = Vector512.FusedMultiplyAdd(vb, wv, a11);
                    a21 = Vector512.FusedMultiplyAdd(vc, wv, a21);
                    a31 = Vector512.FusedMultiplyAdd(vd, wv, a31);
                    wv = Vector512.LoadUnsafe(ref b2, (nuint)p);
                    a02 = Vector512.FusedMultiplyAdd(va, wv, a02);
                    a12 = Vector512.FusedMultiplyAdd(vb, wv, a12);
                    a22 = Vector512.FusedMultiplyAdd(vc, wv, a22);
                    a32 = Vector512.FusedMultiplyAdd(vd, wv, a32);
                    wv = Vector512.LoadUnsafe(ref b3, (nuint)p);
                    a03 = Vector512.FusedMultiplyAdd(va, wv, a03);
                    a13 = Vector512.FusedMultiplyAdd(vb, wv, a13);
                    a23 = Vector512.FusedMultiplyAdd(vc, wv, a23);
                    a33 = Vector512.FusedMultiplyAdd(vd, wv, a33);
                    wv = Vector512.LoadUnsafe(ref b4, (nuint)p);
                    a04 = Vector512.FusedMultiplyAdd(va, wv, a04);
                    a14 = Vector512.FusedMultiplyAdd(vb, wv, a14);
                    a24 = Vector512.FusedMultiplyAdd(vc, wv, a24);
                    a34 = Vector512.FusedMultiplyAdd(vd, wv, a34);
                }
                ref double za = ref z[r * kp + c];
                Store5(ref za, a00, a01, a02, a03, a04);
                Store5(ref Unsafe.Add(ref za, kp), a10, a11, a12, a13, a14);
                Store5(ref Unsafe.Add(ref za, 2 * kp), a20, a21, a22, a23, a24);
                Store5(ref Unsafe.Add(ref za, 3 * kp), a30, a31, a32, a33, a34);
                // The tails only after the accumulators are dead: a call while they are live makes the JIT spill them
                // inside the loop (every zmm register is caller-saved).
                if (p < f)
                    for (int q = 0; q < 4; q++) AddTails(ref Unsafe.Add(ref za, q * kp), ref Unsafe.Add(ref xa, q * f), ref b0, Group512, p, f);
            }
        }
        // The last count mod 4 rows, one at a time (five classes, five FMA chains).
        for (; r < count; r++)
        {
            ref T xa = ref Unsafe.Add(ref x0, (nint)r * f);
            for (int c = 0; c < kp; c += Group512)
            {
                ref double b0 = ref Unsafe.Add(ref w0, c * f);
                Vector512<double> a0 = Vector512<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0;
                int p = 0;
                for (; p + 8 <= f; p += 8)
                {
                    Vector512<double> va = Load8(ref xa, p);
                    a0 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b0, (nuint)p), a0);
                    a1 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b0, (nuint)(p + f)), a1);
                    a2 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b0, (nuint)(p + 2 * f)), a2);
                    a3 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b0, (nuint)(p + 3 * f)), a3);
                    a4 = Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref b0, (nuint)(p + 4 * f)), a4);
                }
                Store5(ref z[r * kp + c], a0, a1, a2, a3, a4);
                if (p < f) AddTails(ref z[r * kp + c], ref xa, ref b0, Group512, p, f);
            }
        }
    }

    /// <summary>Writes the horizontal sums of five class accumulators of one row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store5(ref double z, Vector512<double> a0, Vector512<double> a1, Vector512<double> a2, Vector512<double> a3, Vector512<double> a4)
    {
        z = Vector512.Sum(a0);
        Unsafe.Add(ref z, 1) = Vector512.Sum(a1);
        Unsafe.Add(ref z, 2) = Vector512.Sum(a2);
        Unsafe.Add(ref z, 3) = Vector512.Sum(a3);
        Unsafe.Add(ref z, 4) = Vector512.Sum(a4);
    }

    /// <summary>Adds to z[c] (c &lt; classes) the scalar tails Σ_{q ≥ p} x[q] w[c, q] of the columns the vector loops leave;
    /// w rows b0, b0 + f, ….</summary>
    private static void AddTails<T>(ref double z, ref T x, ref double b0, int classes, int p, int f) where T : unmanaged
    {
        for (int c = 0; c < classes; c++) Unsafe.Add(ref z, c) += Tail(ref x, ref Unsafe.Add(ref b0, c * f), p, f);
    }

    /// <summary><see cref="Accumulate"/> with 512-bit vectors: a 16-column slice × five classes (kp a multiple of 5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Accumulate512<T>(double[] z, int kp, T[] x, int f, double[] g, int i0, int count, int prefetchLines) where T : unmanaged
    {
        // The next block starts right after this one; prefetching a (moved or stale) address never faults, so the
        // unpinned pointer is only a hint.
        byte* next = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), (nint)(i0 + count) * f));
        int prefetched = 0;
        ref T x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), (nint)i0 * f);
        ref double z0 = ref MemoryMarshal.GetArrayDataReference(z);
        ref double g0 = ref MemoryMarshal.GetArrayDataReference(g);
        int j = 0;
        // Ten accumulators (two 8-double halves × five classes) stay in registers while the block's rows stream past.
        for (; j + 16 <= f; j += 16)
        {
            for (int c = 0; c < kp; c += Group512)
            {
                Vector512<double> a0 = Vector512<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
                for (int r = 0; r < count; r++)
                {
                    if (prefetched < prefetchLines) Sse.Prefetch1(next + (nint)CacheLine * prefetched++);
                    ref T xr = ref Unsafe.Add(ref x0, (nint)r * f + j);
                    Vector512<double> xa = Load8(ref xr, 0), xb = Load8(ref xr, 8);
                    ref double zr = ref Unsafe.Add(ref z0, r * kp + c);
                    Vector512<double> rv = Vector512.Create(zr);
                    a0 = Vector512.FusedMultiplyAdd(rv, xa, a0);
                    a1 = Vector512.FusedMultiplyAdd(rv, xb, a1);
                    rv = Vector512.Create(Unsafe.Add(ref zr, 1));
                    a2 = Vector512.FusedMultiplyAdd(rv, xa, a2);
                    a3 = Vector512.FusedMultiplyAdd(rv, xb, a3);
                    rv = Vector512.Create(Unsafe.Add(ref zr, 2));
                    a4 = Vector512.FusedMultiplyAdd(rv, xa, a4);
                    a5 = Vector512.FusedMultiplyAdd(rv, xb, a5);
                    rv = Vector512.Create(Unsafe.Add(ref zr, 3));
                    a6 = Vector512.FusedMultiplyAdd(rv, xa, a6);
                    a7 = Vector512.FusedMultiplyAdd(rv, xb, a7);
                    rv = Vector512.Create(Unsafe.Add(ref zr, 4));
                    a8 = Vector512.FusedMultiplyAdd(rv, xa, a8);
                    a9 = Vector512.FusedMultiplyAdd(rv, xb, a9);
                }
                AddTo8(ref Unsafe.Add(ref g0, c * f + j), a0, a1);
                AddTo8(ref Unsafe.Add(ref g0, (c + 1) * f + j), a2, a3);
                AddTo8(ref Unsafe.Add(ref g0, (c + 2) * f + j), a4, a5);
                AddTo8(ref Unsafe.Add(ref g0, (c + 3) * f + j), a6, a7);
                AddTo8(ref Unsafe.Add(ref g0, (c + 4) * f + j), a8, a9);
            }
        }
        // The last f mod 16 columns, scalar.
        if (j == f) return;
        for (int r = 0; r < count; r++)
            for (int c = 0; c < kp; c++)
            {
                double rc = Unsafe.Add(ref z0, r * kp + c);
                ref T xr = ref Unsafe.Add(ref x0, (nint)r * f);
                for (int jj = j; jj < f; jj++) Unsafe.Add(ref g0, c * f + jj) += rc * Scalar(ref xr, jj);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo8(ref double target, Vector512<double> lo, Vector512<double> hi)
    {
        (Vector512.LoadUnsafe(ref target) + lo).StoreUnsafe(ref target);
        (Vector512.LoadUnsafe(ref target, 8) + hi).StoreUnsafe(ref target, 8);
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// AVX2 + FMA3 micro-kernel: a 6 x (2 * 256 / bits(T)) tile, i.e. 6 x 16 for float and 6 x 8 for double.
/// </summary>
/// <remarks>
/// Register budget (16 ymm registers without AVX-512): 12 accumulators + 2 B vectors + 1 broadcast A = 15. Twelve
/// independent FMA chains cover the 4-5 cycle FMA latency on two FMA pipes (the classic Haswell 6x16 shape). Used
/// only without AVX-512; on Zen 4, forced, it reaches about 85 GFLOP/s (float, 1024^3) against 105 for AVX-512.
/// </remarks>
internal readonly struct Avx2Kernel<T> : IGemmMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int MR => 6;

    /// <inheritdoc/>
    public static int NR => 2 * Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MulAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
        {
            return Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        }
        return Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, T* a, nint aStep, T* b, nint bStep, T* c, nint ldc, T alpha, T beta)
    {
        Vector256<T> c0Lo = default, c0Hi = default;
        Vector256<T> c1Lo = default, c1Hi = default;
        Vector256<T> c2Lo = default, c2Hi = default;
        Vector256<T> c3Lo = default, c3Hi = default;
        Vector256<T> c4Lo = default, c4Hi = default;
        Vector256<T> c5Lo = default, c5Hi = default;
        int step = Vector256<T>.Count;
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> b0 = Vector256.Load(b);
            Vector256<T> b1 = Vector256.Load(b + step);
            Vector256<T> a0 = Vector256.Create(a[0]);
            c0Lo = MulAdd(a0, b0, c0Lo);
            c0Hi = MulAdd(a0, b1, c0Hi);
            Vector256<T> a1 = Vector256.Create(a[1]);
            c1Lo = MulAdd(a1, b0, c1Lo);
            c1Hi = MulAdd(a1, b1, c1Hi);
            Vector256<T> a2 = Vector256.Create(a[2]);
            c2Lo = MulAdd(a2, b0, c2Lo);
            c2Hi = MulAdd(a2, b1, c2Hi);
            Vector256<T> a3 = Vector256.Create(a[3]);
            c3Lo = MulAdd(a3, b0, c3Lo);
            c3Hi = MulAdd(a3, b1, c3Hi);
            Vector256<T> a4 = Vector256.Create(a[4]);
            c4Lo = MulAdd(a4, b0, c4Lo);
            c4Hi = MulAdd(a4, b1, c4Hi);
            Vector256<T> a5 = Vector256.Create(a[5]);
            c5Lo = MulAdd(a5, b0, c5Lo);
            c5Hi = MulAdd(a5, b1, c5Hi);
            a += aStep;
            b += bStep;
        }
        Vector256<T> va = Vector256.Create(alpha);
        if (beta == T.Zero)
        {
            Vector256.Store(c0Lo * va, c + 0 * ldc);
            Vector256.Store(c0Hi * va, c + 0 * ldc + step);
            Vector256.Store(c1Lo * va, c + 1 * ldc);
            Vector256.Store(c1Hi * va, c + 1 * ldc + step);
            Vector256.Store(c2Lo * va, c + 2 * ldc);
            Vector256.Store(c2Hi * va, c + 2 * ldc + step);
            Vector256.Store(c3Lo * va, c + 3 * ldc);
            Vector256.Store(c3Hi * va, c + 3 * ldc + step);
            Vector256.Store(c4Lo * va, c + 4 * ldc);
            Vector256.Store(c4Hi * va, c + 4 * ldc + step);
            Vector256.Store(c5Lo * va, c + 5 * ldc);
            Vector256.Store(c5Hi * va, c + 5 * ldc + step);
            return;
        }
        Vector256<T> vb = Vector256.Create(beta);
        Vector256.Store(MulAdd(Vector256.Load(c + 0 * ldc), vb, c0Lo * va), c + 0 * ldc);
        Vector256.Store(MulAdd(Vector256.Load(c + 0 * ldc + step), vb, c0Hi * va), c + 0 * ldc + step);
        Vector256.Store(MulAdd(Vector256.Load(c + 1 * ldc), vb, c1Lo * va), c + 1 * ldc);
        Vector256.Store(MulAdd(Vector256.Load(c + 1 * ldc + step), vb, c1Hi * va), c + 1 * ldc + step);
        Vector256.Store(MulAdd(Vector256.Load(c + 2 * ldc), vb, c2Lo * va), c + 2 * ldc);
        Vector256.Store(MulAdd(Vector256.Load(c + 2 * ldc + step), vb, c2Hi * va), c + 2 * ldc + step);
        Vector256.Store(MulAdd(Vector256.Load(c + 3 * ldc), vb, c3Lo * va), c + 3 * ldc);
        Vector256.Store(MulAdd(Vector256.Load(c + 3 * ldc + step), vb, c3Hi * va), c + 3 * ldc + step);
        Vector256.Store(MulAdd(Vector256.Load(c + 4 * ldc), vb, c4Lo * va), c + 4 * ldc);
        Vector256.Store(MulAdd(Vector256.Load(c + 4 * ldc + step), vb, c4Hi * va), c + 4 * ldc + step);
        Vector256.Store(MulAdd(Vector256.Load(c + 5 * ldc), vb, c5Lo * va), c + 5 * ldc);
        Vector256.Store(MulAdd(Vector256.Load(c + 5 * ldc + step), vb, c5Hi * va), c + 5 * ldc + step);
    }
}

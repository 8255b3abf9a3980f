using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// Portable <see cref="Vector{T}"/> micro-kernel: a 4 x (2 * Vector&lt;T&gt;.Count) tile, for ARM64 (AdvSimd) and
/// x86 without AVX2. Eight accumulators fit the 16 registers of SSE and leave room on NEON's 32.
/// </summary>
internal readonly struct VectorKernel<T> : IGemmMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int MR => 4;

    /// <inheritdoc/>
    public static int NR => 2 * Vector<T>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Run(int kc, T* a, nint aStep, T* b, nint bStep, T* c, nint ldc, T alpha, T beta)
    {
        Vector<T> c0Lo = default, c0Hi = default;
        Vector<T> c1Lo = default, c1Hi = default;
        Vector<T> c2Lo = default, c2Hi = default;
        Vector<T> c3Lo = default, c3Hi = default;
        int step = Vector<T>.Count;
        for (int p = 0; p < kc; p++)
        {
            Vector<T> b0 = Vector.Load(b);
            Vector<T> b1 = Vector.Load(b + step);
            Vector<T> a0 = new Vector<T>(a[0]);
            c0Lo = GemmFma.MulAdd(a0, b0, c0Lo);
            c0Hi = GemmFma.MulAdd(a0, b1, c0Hi);
            Vector<T> a1 = new Vector<T>(a[1]);
            c1Lo = GemmFma.MulAdd(a1, b0, c1Lo);
            c1Hi = GemmFma.MulAdd(a1, b1, c1Hi);
            Vector<T> a2 = new Vector<T>(a[2]);
            c2Lo = GemmFma.MulAdd(a2, b0, c2Lo);
            c2Hi = GemmFma.MulAdd(a2, b1, c2Hi);
            Vector<T> a3 = new Vector<T>(a[3]);
            c3Lo = GemmFma.MulAdd(a3, b0, c3Lo);
            c3Hi = GemmFma.MulAdd(a3, b1, c3Hi);
            a += aStep;
            b += bStep;
        }
        Vector<T> va = new Vector<T>(alpha);
        if (beta == T.Zero)
        {
            Vector.Store(c0Lo * va, c + 0 * ldc);
            Vector.Store(c0Hi * va, c + 0 * ldc + step);
            Vector.Store(c1Lo * va, c + 1 * ldc);
            Vector.Store(c1Hi * va, c + 1 * ldc + step);
            Vector.Store(c2Lo * va, c + 2 * ldc);
            Vector.Store(c2Hi * va, c + 2 * ldc + step);
            Vector.Store(c3Lo * va, c + 3 * ldc);
            Vector.Store(c3Hi * va, c + 3 * ldc + step);
            return;
        }
        Vector<T> vb = new Vector<T>(beta);
        Vector.Store(GemmFma.Fused(Vector.Load(c + 0 * ldc), vb, c0Lo * va), c + 0 * ldc);
        Vector.Store(GemmFma.Fused(Vector.Load(c + 0 * ldc + step), vb, c0Hi * va), c + 0 * ldc + step);
        Vector.Store(GemmFma.Fused(Vector.Load(c + 1 * ldc), vb, c1Lo * va), c + 1 * ldc);
        Vector.Store(GemmFma.Fused(Vector.Load(c + 1 * ldc + step), vb, c1Hi * va), c + 1 * ldc + step);
        Vector.Store(GemmFma.Fused(Vector.Load(c + 2 * ldc), vb, c2Lo * va), c + 2 * ldc);
        Vector.Store(GemmFma.Fused(Vector.Load(c + 2 * ldc + step), vb, c2Hi * va), c + 2 * ldc + step);
        Vector.Store(GemmFma.Fused(Vector.Load(c + 3 * ldc), vb, c3Lo * va), c + 3 * ldc);
        Vector.Store(GemmFma.Fused(Vector.Load(c + 3 * ldc + step), vb, c3Hi * va), c + 3 * ldc + step);
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// A register-blocked GEMM micro-kernel: computes one <c>MR x NR</c> tile of C from a packed A micro-panel and a
/// packed B micro-panel. Implemented by structs so the blocked driver is specialised (and inlined) per kernel.
/// </summary>
/// <remarks>
/// Packed layouts (see <see cref="GemmPacking"/>): the A micro-panel holds, for each p in 0..kc-1, the MR values
/// op(A)[i0 + r, p] contiguously; the B micro-panel holds, for each p, the NR values op(B)[p, j0 + c]. The kernel
/// computes acc[r, c] = sum_p A[r, p] * B[p, c] as one FMA chain per element in increasing p, then stores
/// <c>alpha * acc</c> (beta == 0, C not read) or <c>fma(C, beta, alpha * acc)</c>. Edge tiles are computed into a
/// scratch tile with beta == 0 and merged with the same rounding, so every element of C is computed the same way
/// whatever the tile or thread partition. Implementations are marked AggressiveOptimization: they are the hot loop
/// of every GEMM, and the unoptimised first tier of the JIT would run them an order of magnitude slower until
/// tiering caught up.
/// </remarks>
internal interface IGemmMicroKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of the register tile (the A micro-panel width).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile (the B micro-panel width).</summary>
    static abstract int NR { get; }

    /// <summary>
    /// Computes the full MR x NR tile at <paramref name="c"/> (row stride <paramref name="ldc"/>). The MR values of A
    /// for step p start at <c>a + p*aStep</c> and the NR values of B at <c>b + p*bStep</c>: MR and NR for packed
    /// micro-panels, or the row stride of a matrix whose stored layout already has that shape (op(A) stored
    /// transposed, op(B) not transposed), which the driver then reads in place.
    /// </summary>
    static abstract unsafe void Run(int kc, T* a, nint aStep, T* b, nint bStep, T* c, nint ldc, T alpha, T beta);
}

/// <summary>Type-dispatched fused multiply-add helpers; the <c>typeof</c> tests fold away per instantiation.</summary>
internal static class GemmFma
{
    /// <summary>Portable <c>a * b + c</c>, fused where the hardware has FMA (Vector&lt;T&gt; path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MulAdd<T>(Vector<T> a, Vector<T> b, Vector<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector.MultiplyAddEstimate(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }
        return Vector.MultiplyAddEstimate(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    /// <summary>Portable <c>a * b + c</c> with one rounding on every platform (used only in tile epilogues).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Fused<T>(Vector<T> a, Vector<T> b, Vector<T> c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        }
        return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    /// <summary>Scalar <c>c * beta + t</c> with one rounding, matching the vector epilogue of the kernels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Epilogue<T>(T c, T beta, T t)
        where T : unmanaged, IFloatingPointIeee754<T>
        => T.FusedMultiplyAdd(c, beta, t);
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>e^x for float32 vectors at float32 accuracy, for the exponentials inside fused kernels (softmax tiles of
/// attention, GELU's Gaussian). The runtime's <c>Vector512.Exp(float)</c> and <c>TensorPrimitives.Exp(float)</c>
/// evaluate in double precision and cost ~5 ns per element on this machine, more than the rest of those kernels
/// together; this costs ~0.3 ns.</summary>
/// <remarks>Cephes <c>expf</c>: x = n·ln2 + r with n = round(x·log₂e) and |r| ≤ ln2/2, ln2 split into a short high
/// part (n·Ln2Hi exact for |n| ≤ 2⁸) and a correction; e^r = 1 + r + r²·P(r) with Cephes' degree-5 minimax P
/// (relative error ≤ 1.2e-7 on [−ln2/2, ln2/2]); 2ⁿ is built in the exponent bits as 2ⁿ⁻¹·2 so that n = 128 (x
/// just below ln FLT_MAX) does not overflow the exponent field. Results: relative error ≤ 2.5e-7 on
/// [<see cref="Min"/>, <see cref="Max"/>]; 0 below <see cref="Min"/> (the true value is below 2⁻¹²⁵ ≈ 2.4e-38, where
/// float32 loses precision anyway), +∞ above <see cref="Max"/>, NaN for NaN. <see cref="MathF.Exp"/> is the
/// reference (tests).</remarks>
internal static class FastExp
{
    /// <summary>−125·ln2: the smallest argument evaluated; below it the result is 0.</summary>
    public const float Min = -86.643397f;

    /// <summary>ln(float.MaxValue): the largest argument evaluated; above it the result is +∞.</summary>
    public const float Max = 88.72283f;

    private const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /// <summary>destination[i] = e^source[i].</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void Exp(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException($"FastExp: destination length {destination.Length} is shorter than the input {source.Length}.", nameof(destination));
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= source.Length; i += 16) Exp(Vector512.Create(source.Slice(i, 16))).CopyTo(destination.Slice(i, 16));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= source.Length; i += 8) Exp(Vector256.Create(source.Slice(i, 8))).CopyTo(destination.Slice(i, 8));
        }
        for (; i < source.Length; i++) destination[i] = MathF.Exp(source[i]);
    }

    /// <summary>e^x lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> c = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(Min)), Vector512.Create(Max));
        Vector512<float> n = Vector512.Round(c * Log2E);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), c));
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p * r, r, r + Vector512<float>.One);
        Vector512<float> scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(126), 23).AsSingle();
        Vector512<float> y = p * scale * 2f;
        y = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Min)), Vector512<float>.Zero, y);
        y = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(Max)), Vector512.Create(float.PositiveInfinity), y);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
    }

    /// <summary>e^x lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> c = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(Min)), Vector256.Create(Max));
        Vector256<float> n = Vector256.Round(c * Log2E);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), c));
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p * r, r, r + Vector256<float>.One);
        Vector256<float> scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(126), 23).AsSingle();
        Vector256<float> y = p * scale * 2f;
        y = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(Min)), Vector256<float>.Zero, y);
        y = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(Max)), Vector256.Create(float.PositiveInfinity), y);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), y, x);
    }
}

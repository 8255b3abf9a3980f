using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>Exact (erf) GELU and its derivative for float32, vectorised: the span form of
/// <see cref="GeluOperator{T}"/> and <see cref="GeluDerivativeOperator{T}"/> for float. The double-precision series
/// of <see cref="SpecialFunctions.Erf"/> (the oracle, and the float64 path) costs ~100 ns per element, which made
/// GELU slower than the GEMMs around it in a transformer MLP.</summary>
/// <remarks>erf(z) by Abramowitz and Stegun 7.1.26 (|error| ≤ 1.5e-7, below float32's half-ulp of 1 = 6e-8 ×
/// a few), as PyTorch's vectorised CPU erf: erf(|z|) = 1 − t·(a₁ + t(a₂ + t(a₃ + t(a₄ + t·a₅))))·e^(−z²),
/// t = 1/(1 + p|z|); erf is odd. With z = x/√2, e^(−z²) = e^(−x²/2) is also √(2π)·φ(x), so the derivative
/// Φ(x) + x·φ(x) needs no second exponential.</remarks>
public static class GeluFloat
{
    private const float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    /// <summary>destination[i] = x·Φ(x) for x = source[i].</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void Forward(ReadOnlySpan<float> source, Span<float> destination) => Run(source, destination, derivative: false);

    /// <summary>destination[i] = Φ(x) + x·φ(x) for x = source[i].</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void Derivative(ReadOnlySpan<float> source, Span<float> destination) => Run(source, destination, derivative: true);

    /// <summary>Reinterprets a span of T known to be float (a generic operator's float instantiation).</summary>
    internal static ReadOnlySpan<float> AsFloat<T>(ReadOnlySpan<T> x) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length);

    /// <summary>Reinterprets a span of T known to be float.</summary>
    internal static Span<float> AsFloat<T>(Span<T> x) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length);

    /// <summary>destination[i] = grad[i]·(Φ(x) + x·φ(x)) for x = source[i]: GELU's backward in one pass, without
    /// the derivative as a temporary.</summary>
    /// <exception cref="ArgumentException">The gradient or the destination is shorter than the source.</exception>
    public static void Backward(ReadOnlySpan<float> source, ReadOnlySpan<float> grad, Span<float> destination)
    {
        if (grad.Length < source.Length) throw new ArgumentException($"GeluFloat: gradient length {grad.Length} is shorter than the input {source.Length}.", nameof(grad));
        Run(source, grad, destination, Mode.Backward);
    }

    private enum Mode
    {
        Forward,
        Derivative,
        Backward,
    }

    private static void Run(ReadOnlySpan<float> x, Span<float> y, bool derivative) => Run(x, default, y, derivative ? Mode.Derivative : Mode.Forward);

    private static void Run(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> y, Mode mode)
    {
        if (y.Length < x.Length) throw new ArgumentException($"GeluFloat: destination length {y.Length} is shorter than the input {x.Length}.", nameof(y));
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= x.Length; i += 16)
            {
                Vector512<float> v = Vector512.Create(x.Slice(i, 16));
                Vector512<float> r = mode switch
                {
                    Mode.Forward => Forward512(v),
                    Mode.Derivative => Derivative512(v),
                    _ => Derivative512(v) * Vector512.Create(g.Slice(i, 16)),
                };
                r.CopyTo(y.Slice(i, 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= x.Length; i += 8)
            {
                Vector256<float> v = Vector256.Create(x.Slice(i, 8));
                Vector256<float> r = mode switch
                {
                    Mode.Forward => Forward256(v),
                    Mode.Derivative => Derivative256(v),
                    _ => Derivative256(v) * Vector256.Create(g.Slice(i, 8)),
                };
                r.CopyTo(y.Slice(i, 8));
            }
        }
        for (; i < x.Length; i++)
        {
            y[i] = mode switch
            {
                Mode.Forward => ForwardScalar(x[i]),
                Mode.Derivative => DerivativeScalar(x[i]),
                _ => DerivativeScalar(x[i]) * g[i],
            };
        }
    }

    /// <summary>(Φ(x), e^(−x²/2)) for one value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float Cdf, float Gauss) CdfScalar(float x)
    {
        float a = MathF.Abs(x) * InvSqrt2;
        float t = 1f / (1f + P * a);
        float e = MathF.Exp(-a * a);
        float erf = 1f - t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5)))) * e;
        return (0.5f * (1f + (x < 0 ? -erf : erf)), e);
    }

    internal static float ForwardScalar(float x) => x * CdfScalar(x).Cdf;

    internal static float DerivativeScalar(float x)
    {
        (float cdf, float e) = CdfScalar(x);
        return cdf + x * InvSqrt2Pi * e;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> Cdf, Vector512<float> Gauss) Cdf512(Vector512<float> x)
    {
        Vector512<float> one = Vector512<float>.One;
        Vector512<float> a = Vector512.Abs(x) * InvSqrt2;
        Vector512<float> t = one / (one + a * P);
        Vector512<float> e = FastExp.Exp(-(a * a));
        Vector512<float> poly = t * (Vector512.Create(A1) + t * (Vector512.Create(A2) + t * (Vector512.Create(A3) + t * (Vector512.Create(A4) + t * A5))));
        Vector512<float> erf = one - poly * e;
        erf = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), -erf, erf);
        return ((one + erf) * 0.5f, e);
    }

    private static Vector512<float> Forward512(Vector512<float> x) => x * Cdf512(x).Cdf;

    private static Vector512<float> Derivative512(Vector512<float> x)
    {
        (Vector512<float> cdf, Vector512<float> e) = Cdf512(x);
        return cdf + x * e * InvSqrt2Pi;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Cdf, Vector256<float> Gauss) Cdf256(Vector256<float> x)
    {
        Vector256<float> one = Vector256<float>.One;
        Vector256<float> a = Vector256.Abs(x) * InvSqrt2;
        Vector256<float> t = one / (one + a * P);
        Vector256<float> e = FastExp.Exp(-(a * a));
        Vector256<float> poly = t * (Vector256.Create(A1) + t * (Vector256.Create(A2) + t * (Vector256.Create(A3) + t * (Vector256.Create(A4) + t * A5))));
        Vector256<float> erf = one - poly * e;
        erf = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -erf, erf);
        return ((one + erf) * 0.5f, e);
    }

    private static Vector256<float> Forward256(Vector256<float> x) => x * Cdf256(x).Cdf;

    private static Vector256<float> Derivative256(Vector256<float> x)
    {
        (Vector256<float> cdf, Vector256<float> e) = Cdf256(x);
        return cdf + x * e * InvSqrt2Pi;
    }
}

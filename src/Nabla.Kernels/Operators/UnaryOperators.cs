using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

#pragma warning disable CS1591 // One-line operator structs: the summary on each says the math.

/// <summary>−x.</summary>
public readonly struct NegateOperator<T> : IUnaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x) => -x;
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Negate(a, d));
}

/// <summary>|x|.</summary>
public readonly struct AbsOperator<T> : IUnaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x) => T.Abs(x);
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Abs(a, d));
}

/// <summary>sign(x) ∈ {−1, 0, 1} (NaN stays NaN).</summary>
public readonly struct SignOperator<T> : IUnaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x) => T.IsNaN(x) ? x : T.CreateTruncating(T.Sign(x));
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination) => Elementwise.Loop<T, SignOperator<T>>(x, destination);
}

/// <summary>eˣ.</summary>
public readonly struct ExpOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.Exp(x);
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Exp(a, d));
}

/// <summary>ln x.</summary>
public readonly struct LogOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.Log(x);
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Log(a, d));
}

/// <summary>ln(1 + x), accurate for small x: with u = 1 + x rounded, ln(u)·x/(u − 1) cancels the rounding
/// error of u (Goldberg, "What every computer scientist should know about floating-point arithmetic", Thm 4).</summary>
public readonly struct Log1pOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x)
    {
        T u = T.One + x;
        if (u == T.One) return x;
        if (T.IsPositiveInfinity(u)) return u;
        return T.Log(u) * x / (u - T.One);
    }

    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination) => Elementwise.Loop<T, Log1pOperator<T>>(x, destination);
}

/// <summary>√x.</summary>
public readonly struct SqrtOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.Sqrt(x);
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Sqrt(a, d));
}

/// <summary>1/√x.</summary>
public readonly struct RsqrtOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.One / T.Sqrt(x);
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.ReciprocalSqrt(a, d));
}

/// <summary>sin x.</summary>
public readonly struct SinOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.Sin(x);
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Sin(a, d));
}

/// <summary>cos x.</summary>
public readonly struct CosOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.Cos(x);
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Cos(a, d));
}

/// <summary>σ(x) = 1/(1 + e⁻ˣ).</summary>
public readonly struct SigmoidOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.One / (T.One + T.Exp(-x));
    // TensorPrimitives.Sigmoid rejects empty spans; an empty tensor has nothing to compute.
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
    {
        if (!x.IsEmpty) CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Sigmoid(a, d));
    }
}

/// <summary>tanh x.</summary>
public readonly struct TanhOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => T.Tanh(x);
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Tanh(a, d));
}

/// <summary>max(x, 0); NaN stays NaN.</summary>
public readonly struct ReluOperator<T> : IUnaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x) => x > T.Zero ? x : T.IsNaN(x) ? x : T.Zero;
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
        => CacheChunks.Run(x, destination, static (a, d) => TensorPrimitives.Max(a, T.Zero, d));
}

/// <summary>ReLU backward from the output y: g where y &gt; 0, else 0 (one pass instead of compare, convert,
/// multiply). Used as a binary operator (g, y).</summary>
public readonly struct ReluGradientOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T g, T y) => y > T.Zero ? g : T.Zero;
    // A branch per element mispredicts on trained activations (about half of them positive, in random order), which
    // made this the slowest step of a CNN's backward pass: whole vectors take a compare and a select instead.
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
    {
        if (!Vector.IsHardwareAccelerated || !Vector<T>.IsSupported || x.Length != y.Length || destination.Length < x.Length)
        {
            Elementwise.Loop<T, ReluGradientOperator<T>>(x, y, destination);
            return;
        }
        int i = 0;
        for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
        {
            var yv = new Vector<T>(y[i..]);
            Vector.ConditionalSelect(Vector.GreaterThan(yv, Vector<T>.Zero), new Vector<T>(x[i..]), Vector<T>.Zero).CopyTo(destination[i..]);
        }
        for (; i < x.Length; i++) destination[i] = Invoke(x[i], y[i]);
    }
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination) => Elementwise.Loop<T, ReluGradientOperator<T>>(x, y, destination);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination) => Elementwise.Loop<T, ReluGradientOperator<T>>(x, y, destination);
}

/// <summary>Heaviside step H(x): 1 for x &gt; 0, else 0 (H(0) = 0, the perceptron's convention).</summary>
public readonly struct StepOperator<T> : IUnaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x) => x > T.Zero ? T.One : T.Zero;
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination) => Elementwise.Loop<T, StepOperator<T>>(x, destination);
}

/// <summary>GELU, exact: x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)).</summary>
public readonly struct GeluOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => x * SpecialFunctions.NormalCdf(x);
    // float32 spans take the vectorised kernel (erf to 1.5e-7); float64 keeps the double-precision series.
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
    {
        if (typeof(T) == typeof(float)) GeluFloat.Forward(GeluFloat.AsFloat(x), GeluFloat.AsFloat(destination));
        else Elementwise.Loop<T, GeluOperator<T>>(x, destination);
    }
}

/// <summary>d/dx GELU = Φ(x) + x·φ(x), φ the standard normal density.</summary>
public readonly struct GeluDerivativeOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x) => SpecialFunctions.NormalCdf(x) + x * SpecialFunctions.NormalPdf(x);
    // float32 spans take the vectorised kernel (erf to 1.5e-7); float64 keeps the double-precision series.
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination)
    {
        if (typeof(T) == typeof(float)) GeluFloat.Derivative(GeluFloat.AsFloat(x), GeluFloat.AsFloat(destination));
        else Elementwise.Loop<T, GeluDerivativeOperator<T>>(x, destination);
    }
}

/// <summary>GELU, tanh approximation: ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³) (Hendrycks and Gimpel,
/// arXiv:1606.08415, eq. for the fast approximation).</summary>
public readonly struct GeluTanhOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    internal static readonly T Sqrt2OverPi = T.CreateChecked(0.7978845608028654);
    internal static readonly T Cubic = T.CreateChecked(0.044715);
    private static readonly T Half = T.CreateChecked(0.5);

    public static T Invoke(T x) => Half * x * (T.One + T.Tanh(Sqrt2OverPi * (x + Cubic * x * x * x)));
    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination) => Elementwise.Loop<T, GeluTanhOperator<T>>(x, destination);
}

/// <summary>d/dx of the tanh GELU: ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(u).</summary>
public readonly struct GeluTanhDerivativeOperator<T> : IUnaryOperator<T> where T : IFloatingPointIeee754<T>
{
    private static readonly T Half = T.CreateChecked(0.5);
    private static readonly T Three = T.CreateChecked(3);

    public static T Invoke(T x)
    {
        T k = GeluTanhOperator<T>.Sqrt2OverPi, c = GeluTanhOperator<T>.Cubic;
        T t = T.Tanh(k * (x + c * x * x * x));
        return Half * (T.One + t) + Half * x * (T.One - t * t) * k * (T.One + Three * c * x * x);
    }

    public static void Invoke(ReadOnlySpan<T> x, Span<T> destination) => Elementwise.Loop<T, GeluTanhDerivativeOperator<T>>(x, destination);
}

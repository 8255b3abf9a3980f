using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

#pragma warning disable CS1591 // One-line operator structs: the summary on each says the math.

/// <summary>x + y.</summary>
public readonly struct AddOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => x + y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Add(a, b, d));
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Add(a, b, d));
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(y, x, destination, static (b, a, d) => TensorPrimitives.Add(b, a, d));
}

/// <summary>x − y.</summary>
public readonly struct SubtractOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => x - y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Subtract(a, b, d));
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Subtract(a, b, d));
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Subtract(a, b, d));
}

/// <summary>x · y.</summary>
public readonly struct MultiplyOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => x * y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Multiply(a, b, d));
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Multiply(a, b, d));
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(y, x, destination, static (b, a, d) => TensorPrimitives.Multiply(b, a, d));
}

/// <summary>x / y.</summary>
public readonly struct DivideOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => x / y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Divide(a, b, d));
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Divide(a, b, d));
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Divide(a, b, d));
}

/// <summary>xʸ.</summary>
public readonly struct PowOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => T.Pow(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Pow(a, b, d));
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Pow(a, b, d));
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Pow(a, b, d));
}

/// <summary>max(x, y), NaN-propagating (PyTorch's <c>torch.maximum</c>).</summary>
public readonly struct MaximumOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => T.Max(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Max(a, b, d));
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Max(a, b, d));
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(y, x, destination, static (b, a, d) => TensorPrimitives.Max(b, a, d));
}

/// <summary>min(x, y), NaN-propagating (PyTorch's <c>torch.minimum</c>).</summary>
public readonly struct MinimumOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => T.Min(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Min(a, b, d));
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination)
        => CacheChunks.Run(x, y, destination, static (a, b, d) => TensorPrimitives.Min(a, b, d));
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination)
        => CacheChunks.Run(y, x, destination, static (b, a, d) => TensorPrimitives.Min(b, a, d));
}

/// <summary>x = y.</summary>
public readonly struct EqualOperator<T> : IComparisonOperator<T> where T : IEqualityOperators<T, T, bool>
{
    public static bool Invoke(T x, T y) => x == y;
}

/// <summary>x ≠ y.</summary>
public readonly struct NotEqualOperator<T> : IComparisonOperator<T> where T : IEqualityOperators<T, T, bool>
{
    public static bool Invoke(T x, T y) => x != y;
}

/// <summary>x &lt; y.</summary>
public readonly struct LessThanOperator<T> : IComparisonOperator<T> where T : IComparisonOperators<T, T, bool>
{
    public static bool Invoke(T x, T y) => x < y;
}

/// <summary>x ≤ y.</summary>
public readonly struct LessThanOrEqualOperator<T> : IComparisonOperator<T> where T : IComparisonOperators<T, T, bool>
{
    public static bool Invoke(T x, T y) => x <= y;
}

/// <summary>x &gt; y.</summary>
public readonly struct GreaterThanOperator<T> : IComparisonOperator<T> where T : IComparisonOperators<T, T, bool>
{
    public static bool Invoke(T x, T y) => x > y;
}

/// <summary>x ≥ y.</summary>
public readonly struct GreaterThanOrEqualOperator<T> : IComparisonOperator<T> where T : IComparisonOperators<T, T, bool>
{
    public static bool Invoke(T x, T y) => x >= y;
}

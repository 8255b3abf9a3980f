using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

#pragma warning disable CS1591 // One-line operator structs: the summary on each says the math.

/// <summary>x + y.</summary>
public readonly struct AddOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => x + y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Add(x, y, destination);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Add(x, y, destination);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Add(y, x, destination);
}

/// <summary>x − y.</summary>
public readonly struct SubtractOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => x - y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Subtract(x, y, destination);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Subtract(x, y, destination);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Subtract(x, y, destination);
}

/// <summary>x · y.</summary>
public readonly struct MultiplyOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => x * y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Multiply(x, y, destination);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Multiply(x, y, destination);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Multiply(y, x, destination);
}

/// <summary>x / y.</summary>
public readonly struct DivideOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => x / y;
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Divide(x, y, destination);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Divide(x, y, destination);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Divide(x, y, destination);
}

/// <summary>xʸ.</summary>
public readonly struct PowOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T x, T y) => T.Pow(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Pow(x, y, destination);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Pow(x, y, destination);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Pow(x, y, destination);
}

/// <summary>max(x, y), NaN-propagating (PyTorch's <c>torch.maximum</c>).</summary>
public readonly struct MaximumOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => T.Max(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Max(x, y, destination);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Max(x, y, destination);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Max(y, x, destination);
}

/// <summary>min(x, y), NaN-propagating (PyTorch's <c>torch.minimum</c>).</summary>
public readonly struct MinimumOperator<T> : IBinaryOperator<T> where T : INumber<T>
{
    public static T Invoke(T x, T y) => T.Min(x, y);
    public static void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Min(x, y, destination);
    public static void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination) => TensorPrimitives.Min(x, y, destination);
    public static void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination) => TensorPrimitives.Min(y, x, destination);
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

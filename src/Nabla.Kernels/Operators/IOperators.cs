namespace Nabla.Kernels;

/// <summary>
/// An element-wise function of one value: a scalar form and a span form. The span form is where SIMD lives:
/// it calls <c>System.Numerics.Tensors.TensorPrimitives</c> when that has the function, and
/// <see cref="Elementwise.Loop{T, TOp}(ReadOnlySpan{T}, Span{T})"/> otherwise.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public interface IUnaryOperator<T>
{
    /// <summary>The function of one value.</summary>
    static abstract T Invoke(T x);

    /// <summary>destination[i] = f(x[i]) for every i of <paramref name="x"/>.</summary>
    static abstract void Invoke(ReadOnlySpan<T> x, Span<T> destination);
}

/// <summary>An element-wise function of two values, with span–span, span–scalar and scalar–span forms.</summary>
/// <typeparam name="T">Element type.</typeparam>
public interface IBinaryOperator<T>
{
    /// <summary>The function of two values.</summary>
    static abstract T Invoke(T x, T y);

    /// <summary>destination[i] = f(x[i], y[i]).</summary>
    static abstract void Invoke(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination);

    /// <summary>destination[i] = f(x[i], y).</summary>
    static abstract void Invoke(ReadOnlySpan<T> x, T y, Span<T> destination);

    /// <summary>destination[i] = f(x, y[i]).</summary>
    static abstract void Invoke(T x, ReadOnlySpan<T> y, Span<T> destination);
}

/// <summary>A comparison of two values giving a boolean.</summary>
/// <typeparam name="T">Element type.</typeparam>
public interface IComparisonOperator<T>
{
    /// <summary>The predicate.</summary>
    static abstract bool Invoke(T x, T y);
}

namespace Nabla.Kernels;

/// <summary>Span-in, span-out drivers for the operator structs. No tensors, no shapes, no allocation.</summary>
public static class Elementwise
{
    /// <summary>destination[i] = TOp.Invoke(x[i]), one element at a time: the reference every span form is
    /// tested against, and the span form of operators that TensorPrimitives lacks.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="x"/>.</exception>
    public static void Loop<T, TOp>(ReadOnlySpan<T> x, Span<T> destination)
        where TOp : IUnaryOperator<T>
    {
        CheckDestination(x.Length, destination.Length);
        for (int i = 0; i < x.Length; i++) destination[i] = TOp.Invoke(x[i]);
    }

    /// <summary>destination[i] = TOp.Invoke(x[i], y[i]), one element at a time.</summary>
    /// <exception cref="ArgumentException">The lengths differ or the destination is too short.</exception>
    public static void Loop<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where TOp : IBinaryOperator<T>
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"Elementwise: input lengths {x.Length} and {y.Length} differ.", nameof(y));
        CheckDestination(x.Length, destination.Length);
        for (int i = 0; i < x.Length; i++) destination[i] = TOp.Invoke(x[i], y[i]);
    }

    /// <summary>destination[i] = TOp.Invoke(x[i], y), one element at a time.</summary>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static void Loop<T, TOp>(ReadOnlySpan<T> x, T y, Span<T> destination)
        where TOp : IBinaryOperator<T>
    {
        CheckDestination(x.Length, destination.Length);
        for (int i = 0; i < x.Length; i++) destination[i] = TOp.Invoke(x[i], y);
    }

    /// <summary>destination[i] = TOp.Invoke(x, y[i]), one element at a time.</summary>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static void Loop<T, TOp>(T x, ReadOnlySpan<T> y, Span<T> destination)
        where TOp : IBinaryOperator<T>
    {
        CheckDestination(y.Length, destination.Length);
        for (int i = 0; i < y.Length; i++) destination[i] = TOp.Invoke(x, y[i]);
    }

    /// <summary>destination[i] = TOp.Invoke(x[i], y[i]) as a boolean.</summary>
    /// <exception cref="ArgumentException">The lengths differ or the destination is too short.</exception>
    public static void Compare<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<bool> destination)
        where TOp : IComparisonOperator<T>
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"Elementwise: input lengths {x.Length} and {y.Length} differ.", nameof(y));
        CheckDestination(x.Length, destination.Length);
        for (int i = 0; i < x.Length; i++) destination[i] = TOp.Invoke(x[i], y[i]);
    }

    /// <summary>destination[i] = TOp.Invoke(x[i], y) as a boolean.</summary>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static void Compare<T, TOp>(ReadOnlySpan<T> x, T y, Span<bool> destination)
        where TOp : IComparisonOperator<T>
    {
        CheckDestination(x.Length, destination.Length);
        for (int i = 0; i < x.Length; i++) destination[i] = TOp.Invoke(x[i], y);
    }

    /// <summary>destination[i] = TOp.Invoke(x, y[i]) as a boolean.</summary>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    public static void Compare<T, TOp>(T x, ReadOnlySpan<T> y, Span<bool> destination)
        where TOp : IComparisonOperator<T>
    {
        CheckDestination(y.Length, destination.Length);
        for (int i = 0; i < y.Length; i++) destination[i] = TOp.Invoke(x, y[i]);
    }

    /// <summary>destination[i] = x[i]·y + addend[i] (PyTorch: <c>torch.add(addend, x, alpha=y)</c>), through
    /// TensorPrimitives in cache-sized pieces (see <see cref="CacheChunks"/>).</summary>
    /// <exception cref="ArgumentException">The lengths differ or the destination is too short.</exception>
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, T y, ReadOnlySpan<T> addend, Span<T> destination)
        where T : System.Numerics.INumber<T>
        => CacheChunks.Run(x, y, addend, destination, static (a, b, c, d) => System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(a, b, c, d));

    private static void CheckDestination(int needed, int available)
    {
        if (available < needed)
            throw new ArgumentException($"Elementwise: destination has {available} elements, {needed} needed.");
    }
}

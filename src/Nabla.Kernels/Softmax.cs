using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>Fused, numerically stable softmax, log-softmax and log-sum-exp over the rows of a contiguous block,
/// with their backward passes.</summary>
/// <remarks>Shapes: x (rows, n) contiguous. Every row subtracts its maximum first (the log-sum-exp trick:
/// softmax(x) = softmax(x − max x), and log Σ eˣ = m + log Σ e^(x−m)), so no exponent overflows.</remarks>
public static class Softmax
{
    /// <summary>y = eˣ⁻ᵐ / Σ eˣ⁻ᵐ per row.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int n) where T : IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> xr = x.Slice(r * n, n);
            Span<T> yr = y.Slice(r * n, n);
            if (n == 0) continue;
            T m = TensorPrimitives.Max(xr);
            if (T.IsInfinity(m)) m = T.Zero;                           // all −∞ row: keep NaN-free arithmetic
            TensorPrimitives.Subtract(xr, m, yr);
            TensorPrimitives.Exp(yr, yr);
            TensorPrimitives.Divide(yr, TensorPrimitives.Sum<T>(yr), yr);
        }
    }

    /// <summary>y = x − m − log Σ eˣ⁻ᵐ per row.</summary>
    public static void LogForward<T>(ReadOnlySpan<T> x, Span<T> y, int rows, int n) where T : IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> xr = x.Slice(r * n, n);
            Span<T> yr = y.Slice(r * n, n);
            if (n == 0) continue;
            T lse = LogSumExpRow(xr, yr);
            TensorPrimitives.Subtract(xr, lse, yr);
        }
    }

    /// <summary>destination[r] = log Σ exp(x[r, :]), stable. Scratch must hold n elements.</summary>
    public static void LogSumExp<T>(ReadOnlySpan<T> x, Span<T> destination, int rows, int n, Span<T> scratch)
        where T : IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
            destination[r] = n == 0 ? T.NegativeInfinity : LogSumExpRow(x.Slice(r * n, n), scratch[..n]);
    }

    /// <summary>Softmax backward: dx = y ⊙ (dy − Σ dy ⊙ y) per row, from ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ).</summary>
    public static void Backward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows, int n)
        where T : IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> yr = y.Slice(r * n, n), gr = dy.Slice(r * n, n);
            Span<T> dr = dx.Slice(r * n, n);
            T dot = TensorPrimitives.Dot(yr, gr);
            TensorPrimitives.Subtract(gr, dot, dr);
            TensorPrimitives.Multiply(dr, yr, dr);
        }
    }

    /// <summary>Log-softmax backward: dx = dy − eʸ·Σ dy per row, from ∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ.</summary>
    public static void LogBackward<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, int rows, int n)
        where T : IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> yr = y.Slice(r * n, n), gr = dy.Slice(r * n, n);
            Span<T> dr = dx.Slice(r * n, n);
            T sum = TensorPrimitives.Sum(gr);
            TensorPrimitives.Exp(yr, dr);
            TensorPrimitives.Multiply(dr, -sum, dr);
            TensorPrimitives.Add(dr, gr, dr);
        }
    }

    private static T LogSumExpRow<T>(ReadOnlySpan<T> x, Span<T> scratch) where T : IFloatingPointIeee754<T>
    {
        T m = TensorPrimitives.Max(x);
        if (T.IsInfinity(m)) return m;                                 // all −∞ → −∞; any +∞ → +∞
        TensorPrimitives.Subtract(x, m, scratch);
        TensorPrimitives.Exp(scratch, scratch);
        return m + T.Log(TensorPrimitives.Sum<T>(scratch));
    }
}

using System.Numerics;
using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>Fused layer normalisation over the rows of a contiguous block, forward and backward.
/// PyTorch: <c>F.layer_norm</c>.</summary>
/// <remarks>Shapes: x (rows, d) contiguous; weight and bias (d) or empty; mean and rstd (rows) are saved for
/// backward. Per row: μ = Σx/d, σ² = Σ(x − μ)²/d (biased), rstd = 1/√(σ² + ε), x̂ = (x − μ)·rstd,
/// y = x̂·w + b.</remarks>
public static class LayerNorm
{
    /// <summary>y = (x − μ)·rstd·w + b per row; writes μ and rstd for backward.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y,
                                  Span<T> mean, Span<T> rstd, int rows, int d, T eps)
        where T : IFloatingPointIeee754<T>
    {
        T n = T.CreateChecked(d);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> xr = x.Slice(r * d, d);
            Span<T> yr = y.Slice(r * d, d);
            // Two passes (mean, then centred squares) rather than E[x²] − E[x]², which cancels badly.
            T mu = TensorPrimitives.Sum(xr) / n;
            TensorPrimitives.Subtract(xr, mu, yr);
            T variance = TensorPrimitives.SumOfSquares<T>(yr) / n;
            T rs = T.One / T.Sqrt(variance + eps);
            mean[r] = mu;
            rstd[r] = rs;
            TensorPrimitives.Multiply(yr, rs, yr);
            if (!weight.IsEmpty) TensorPrimitives.Multiply(yr, weight, yr);
            if (!bias.IsEmpty) TensorPrimitives.Add(yr, bias, yr);
        }
    }

    /// <summary>Gradients of layer norm. With ĝ = dy·w per row:
    /// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), dw = Σ_rows dy·x̂, db = Σ_rows dy (dw and db accumulate into
    /// their spans, which may be empty when not needed). Scratch must hold 2·d elements.</summary>
    /// <remarks>Derivation: x̂ = (x − μ)·rstd depends on every x in the row through μ and rstd;
    /// ∂x̂ᵢ/∂xⱼ = rstd·(δᵢⱼ − 1/d − x̂ᵢx̂ⱼ/d), and contracting with ĝ gives the formula above.</remarks>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd,
                                   ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight, Span<T> dBias, int rows, int d,
                                   Span<T> scratch)
        where T : IFloatingPointIeee754<T>
    {
        T n = T.CreateChecked(d);
        Span<T> xhat = scratch[..d], g = scratch.Slice(d, d);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<T> xr = x.Slice(r * d, d), dyr = dy.Slice(r * d, d);
            TensorPrimitives.Subtract(xr, mean[r], xhat);
            TensorPrimitives.Multiply(xhat, rstd[r], xhat);
            if (!dWeight.IsEmpty) TensorPrimitives.FusedMultiplyAdd(dyr, xhat, dWeight, dWeight);
            if (!dBias.IsEmpty) TensorPrimitives.Add(dBias, dyr, dBias);
            if (dx.IsEmpty) continue;
            if (weight.IsEmpty) dyr.CopyTo(g);
            else TensorPrimitives.Multiply(dyr, weight, g);
            T meanG = TensorPrimitives.Sum<T>(g) / n;
            T meanGx = TensorPrimitives.Dot<T>(g, xhat) / n;
            Span<T> dxr = dx.Slice(r * d, d);
            // dx = rstd·(g − meanG − x̂·meanGx)
            TensorPrimitives.Multiply(xhat, -meanGx, dxr);
            TensorPrimitives.Add(dxr, g, dxr);
            TensorPrimitives.Subtract(dxr, meanG, dxr);
            TensorPrimitives.Multiply(dxr, rstd[r], dxr);
        }
    }
}

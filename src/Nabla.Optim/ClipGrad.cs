using System.Numerics.Tensors;

namespace Nabla.Optim;

/// <summary>Gradient clipping, applied between <c>Backward()</c> and <c>optimizer.Step()</c>. PyTorch:
/// <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>.</summary>
public static class ClipGrad
{
    /// <summary>PyTorch's guard against dividing by a zero norm in clip_coef = max_norm / (total_norm + 1e-6).</summary>
    private const double NormEpsilon = 1e-6;

    /// <summary>Rescales all gradients together so that their joint norm is at most <paramref name="maxNorm"/>.
    /// PyTorch: <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
    /// <param name="parameters">The parameters; those without a gradient are ignored.</param>
    /// <param name="maxNorm">The largest allowed norm.</param>
    /// <param name="normType">p of the p-norm; <see cref="double.PositiveInfinity"/> for the max-norm.</param>
    /// <param name="errorIfNonfinite">Throw when the total norm is NaN or ±∞ instead of scaling by it.</param>
    /// <returns>The total norm of the gradients before clipping, viewed as one concatenated vector.</returns>
    /// <remarks>
    /// ‖g‖ = (Σᵢ ‖gᵢ‖ₚᵖ)^(1/p) over the parameters i (max over all |g| for p = ∞), computed in double. Every gradient
    /// is then multiplied in place by min(1, max_norm / (‖g‖ + 1e-6)), as PyTorch does.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="normType"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">The norm is not finite and <paramref name="errorIfNonfinite"/> is set.</exception>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2.0,
                                      bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(normType > 0))
            throw new ArgumentOutOfRangeException(nameof(normType), normType, $"ClipGradNorm: norm_type must be positive, got {normType}.");
        Tensor[] grads = [.. parameters.Select(p => p.Grad).OfType<Tensor>()];
        if (grads.Length == 0) return 0;

        double total = 0;
        using (GradMode.Disable())
        {
            foreach (Tensor g in grads)
            {
                ReadOnlySpan<double> x = g.Detach().To(DType.Float64).Contiguous().AsSpan<double>();
                if (x.IsEmpty) continue;
                if (double.IsPositiveInfinity(normType)) total = Math.Max(total, Math.Abs(TensorPrimitives.MaxMagnitude(x)));
                else if (normType == 2) total += TensorPrimitives.SumOfSquares(x);
                else if (normType == 1) total += TensorPrimitives.SumOfMagnitudes(x);
                else
                {
                    double s = 0;
                    foreach (double v in x) s += Math.Pow(Math.Abs(v), normType);
                    total += s;
                }
            }
            if (!double.IsPositiveInfinity(normType) && normType != 1)
                total = normType == 2 ? Math.Sqrt(total) : Math.Pow(total, 1 / normType);
            if (errorIfNonfinite && !double.IsFinite(total))
                throw new InvalidOperationException($"ClipGradNorm: the total norm of order {normType} for gradients is non-finite ({total}), so it cannot be clipped.");

            double clipCoef = Math.Min(maxNorm / (total + NormEpsilon), 1.0);
            foreach (Tensor g in grads) g.MulInPlace(clipCoef);
        }
        return total;
    }

    /// <summary>Clamps every gradient element to [−clipValue, clipValue] in place. PyTorch:
    /// <c>torch.nn.utils.clip_grad_value_</c>.</summary>
    /// <param name="parameters">The parameters; those without a gradient are ignored.</param>
    /// <param name="clipValue">The bound (≥ 0).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is negative or NaN.</exception>
    public static void ClipGradValue(IEnumerable<Parameter> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0))
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, $"ClipGradValue: clip_value must be non-negative, got {clipValue}.");
        using (GradMode.Disable())
            foreach (Parameter p in parameters)
                p.Grad?.ClampInPlace(-clipValue, clipValue);
    }
}

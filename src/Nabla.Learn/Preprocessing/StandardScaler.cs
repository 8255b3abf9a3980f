namespace Nabla.Learn.Preprocessing;

/// <summary>Standardises features by removing the mean and scaling to unit variance.
/// scikit-learn: <c>sklearn.preprocessing.StandardScaler</c>.</summary>
/// <remarks>z = (x − μ) / σ per feature, with μ the column mean and σ = √var the <em>population</em> standard
/// deviation (divisor N, as scikit-learn); a constant feature has σ = 0 and is scaled by 1 instead.
/// Shapes: input (N, F) → output (N, F), Float64. Mean, Var and Scale are always learned (scikit-learn leaves
/// them None when the corresponding option is off).</remarks>
public sealed class StandardScaler : Transformer
{
    private double[]? _mean, _var, _scale;

    /// <summary>Whether to subtract the mean. scikit-learn: <c>with_mean=True</c>.</summary>
    public bool WithMean { get; init; } = true;

    /// <summary>Whether to divide by the standard deviation. scikit-learn: <c>with_std=True</c>.</summary>
    public bool WithStd { get; init; } = true;

    /// <summary>Per-feature mean μ (F). scikit-learn: <c>mean_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Mean => Tensor.FromArray(Fitted(_mean));

    /// <summary>Per-feature population variance (F). scikit-learn: <c>var_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Var => Tensor.FromArray(Fitted(_var));

    /// <summary>Per-feature scale σ (F), 1 for constant features. scikit-learn: <c>scale_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Scale => Tensor.FromArray(Fitted(_scale));

    /// <summary>Learns μ and σ from <paramref name="x"/> (N, F); <paramref name="y"/> is ignored.</summary>
    /// <exception cref="ArgumentException">x is not 2-D, is empty, or is not finite.</exception>
    public override StandardScaler Fit(Tensor x, Tensor? y = null)
    {
        double[] d = FitInput(x, out int n, out int f);
        double[] mean = LinAlg.ColumnMeans(d, n, f);
        // Two passes: var = Σ (x − μ)² / N, accurate even when |μ| ≫ σ.
        var variance = new double[f];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++)
            {
                double c = d[i * f + j] - mean[j];
                variance[j] += c * c;
            }
        var scale = new double[f];
        for (int j = 0; j < f; j++)
        {
            variance[j] /= n;
            scale[j] = variance[j] == 0 ? 1 : Math.Sqrt(variance[j]);
        }
        (_mean, _var, _scale) = (mean, variance, scale);
        return this;
    }

    /// <summary>(x − μ)/σ, with either step skipped when its option is off.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public override Tensor Transform(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        int f = _mean!.Length;
        for (int i = 0; i < d.Length; i++)
        {
            int j = i % f;
            if (WithMean) d[i] -= _mean[j];
            if (WithStd) d[i] /= _scale![j];
        }
        return Tensor.FromArray(d, n, f);
    }

    /// <summary>Undoes <see cref="Transform"/>: z·σ + μ. scikit-learn: <c>inverse_transform(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor InverseTransform(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        int f = _mean!.Length;
        for (int i = 0; i < d.Length; i++)
        {
            int j = i % f;
            if (WithStd) d[i] *= _scale![j];
            if (WithMean) d[i] += _mean[j];
        }
        return Tensor.FromArray(d, n, f);
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_mean, _var, _scale) = (null, null, null);
}

namespace Nabla.Learn.Preprocessing;

/// <summary>Scales each feature linearly to a given range. scikit-learn: <c>sklearn.preprocessing.MinMaxScaler</c>.</summary>
/// <remarks>x′ = x·s + m with s = (max_r − min_r)/(max(x) − min(x)) and m = min_r − min(x)·s per feature, so the
/// training minimum maps to min_r and the maximum to max_r; a constant feature uses range 1. Values outside the
/// training range map outside the target range (scikit-learn's <c>clip=False</c>).
/// Shapes: input (N, F) → output (N, F), Float64.</remarks>
public sealed class MinMaxScaler : Transformer
{
    private double[]? _dataMin, _dataMax, _scale, _min;

    /// <summary>Target range (min, max). scikit-learn: <c>feature_range=(0, 1)</c>.</summary>
    public (double Min, double Max) FeatureRange { get; init; } = (0, 1);

    /// <summary>Per-feature training minimum (F). scikit-learn: <c>data_min_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor DataMin => Tensor.FromArray(Fitted(_dataMin));

    /// <summary>Per-feature training maximum (F). scikit-learn: <c>data_max_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor DataMax => Tensor.FromArray(Fitted(_dataMax));

    /// <summary>Per-feature factor s (F). scikit-learn: <c>scale_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Scale => Tensor.FromArray(Fitted(_scale));

    /// <summary>Per-feature offset m (F). scikit-learn: <c>min_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Min => Tensor.FromArray(Fitted(_min));

    /// <summary>Learns the per-feature minimum and maximum of <paramref name="x"/> (N, F); <paramref name="y"/> is ignored.</summary>
    /// <exception cref="ArgumentException">FeatureRange has min ≥ max; x is not 2-D, empty or not finite.</exception>
    public override MinMaxScaler Fit(Tensor x, Tensor? y = null)
    {
        if (!(FeatureRange.Min < FeatureRange.Max))
            throw new ArgumentException($"MinMaxScaler: FeatureRange minimum must be smaller than maximum, got ({FeatureRange.Min}, {FeatureRange.Max}).");
        double[] d = FitInput(x, out int n, out int f);
        double[] lo = Enumerable.Repeat(double.PositiveInfinity, f).ToArray(), hi = Enumerable.Repeat(double.NegativeInfinity, f).ToArray();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++)
            {
                lo[j] = Math.Min(lo[j], d[i * f + j]);
                hi[j] = Math.Max(hi[j], d[i * f + j]);
            }
        var scale = new double[f];
        var min = new double[f];
        for (int j = 0; j < f; j++)
        {
            double range = hi[j] - lo[j];
            scale[j] = (FeatureRange.Max - FeatureRange.Min) / (range == 0 ? 1 : range);
            min[j] = FeatureRange.Min - lo[j] * scale[j];
        }
        (_dataMin, _dataMax, _scale, _min) = (lo, hi, scale, min);
        return this;
    }

    /// <summary>x·s + m per feature.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public override Tensor Transform(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        int f = _scale!.Length;
        for (int i = 0; i < d.Length; i++) d[i] = d[i] * _scale[i % f] + _min![i % f];
        return Tensor.FromArray(d, n, f);
    }

    /// <summary>Undoes <see cref="Transform"/>: (x′ − m)/s. scikit-learn: <c>inverse_transform(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor InverseTransform(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        int f = _scale!.Length;
        for (int i = 0; i < d.Length; i++) d[i] = (d[i] - _min![i % f]) / _scale[i % f];
        return Tensor.FromArray(d, n, f);
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_dataMin, _dataMax, _scale, _min) = (null, null, null, null);
}

namespace Nabla.Learn.Preprocessing;

/// <summary>Encodes target labels as 0..K−1 in sorted order. scikit-learn: <c>sklearn.preprocessing.LabelEncoder</c>.</summary>
/// <remarks>Works on a 1-D target vector, not on samples (N, F), so it is not an <see cref="IEstimator"/>
/// (scikit-learn's <c>fit(y)</c> likewise takes no X). Shapes: input (N) → codes (N), Int64.</remarks>
public sealed class LabelEncoder
{
    private double[]? _classes;
    private DType _dtype;

    /// <summary>The sorted distinct labels (K), in the dtype of the fitted y. scikit-learn: <c>classes_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Classes => Input.Labels(_classes ?? throw new NotFittedException(nameof(LabelEncoder), nameof(Classes)), _dtype);

    /// <summary>Learns the distinct labels of <paramref name="y"/> (N). scikit-learn: <c>fit(y)</c>.</summary>
    /// <returns>This encoder.</returns>
    /// <exception cref="ArgumentException">y is not 1-D or not finite.</exception>
    public LabelEncoder Fit(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        double[] values = Input.Vector(y, "LabelEncoder.Fit", nameof(y), y.Dim == 1 ? y.Size(0) : -1);
        _classes = values.Distinct().Order().ToArray();
        _dtype = y.DType;
        return this;
    }

    /// <summary>The index of each label in <see cref="Classes"/> (N), Int64. scikit-learn: <c>transform(y)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">A label was not seen by Fit.</exception>
    public Tensor Transform(Tensor y)
    {
        ArgumentNullException.ThrowIfNull(y);
        double[] classes = _classes ?? throw new NotFittedException(nameof(LabelEncoder), nameof(Transform));
        double[] values = Input.Vector(y, "LabelEncoder.Transform", nameof(y), y.Dim == 1 ? y.Size(0) : -1);
        var codes = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int k = Array.BinarySearch(classes, values[i]);
            if (k < 0) throw new ArgumentException($"LabelEncoder.Transform: y contains the unseen label {values[i]} at [{i}].", nameof(y));
            codes[i] = k;
        }
        return Tensor.FromArray(codes, codes.Length);
    }

    /// <summary>Fit followed by Transform. scikit-learn: <c>fit_transform(y)</c>.</summary>
    /// <exception cref="ArgumentException">y is not 1-D or not finite.</exception>
    public Tensor FitTransform(Tensor y) => Fit(y).Transform(y);

    /// <summary>The labels for codes 0..K−1 (N), in the dtype of the fitted y. scikit-learn: <c>inverse_transform(y)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">A code is outside 0..K−1.</exception>
    public Tensor InverseTransform(Tensor codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        double[] classes = _classes ?? throw new NotFittedException(nameof(LabelEncoder), nameof(InverseTransform));
        double[] c = Input.Vector(codes, "LabelEncoder.InverseTransform", nameof(codes), codes.Dim == 1 ? codes.Size(0) : -1);
        var labels = new double[c.Length];
        for (int i = 0; i < c.Length; i++)
        {
            if (c[i] < 0 || c[i] >= classes.Length || c[i] != Math.Floor(c[i]))
                throw new ArgumentException($"LabelEncoder.InverseTransform: code {c[i]} at [{i}] is not in 0..{classes.Length - 1}.", nameof(codes));
            labels[i] = classes[(int)c[i]];
        }
        return Input.Labels(labels, _dtype);
    }
}

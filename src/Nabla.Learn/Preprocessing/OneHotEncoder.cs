namespace Nabla.Learn.Preprocessing;

/// <summary>Encodes each categorical feature as one-hot columns. scikit-learn:
/// <c>sklearn.preprocessing.OneHotEncoder(sparse_output=False, handle_unknown='error')</c>.</summary>
/// <remarks>Categories are learned per column as the sorted distinct values; column j with categories
/// c_1 &lt; … &lt; c_k becomes k output columns, one of them 1. Output columns follow input column order.
/// Shapes: input (N, F) → output (N, Σ_j k_j), dense Float64.</remarks>
public sealed class OneHotEncoder : Transformer
{
    private double[][]? _categories;

    /// <summary>The categories of each input column, sorted (F tensors). scikit-learn: <c>categories_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public IReadOnlyList<Tensor> Categories => Fitted(_categories).Select(c => Tensor.FromArray(c)).ToArray();

    /// <summary>Learns the categories of each column of <paramref name="x"/> (N, F); <paramref name="y"/> is ignored.</summary>
    /// <exception cref="ArgumentException">x is not 2-D, empty or not finite.</exception>
    public override OneHotEncoder Fit(Tensor x, Tensor? y = null)
    {
        double[] d = FitInput(x, out int n, out int f);
        var categories = new double[f][];
        for (int j = 0; j < f; j++)
        {
            int column = j;
            categories[j] = Enumerable.Range(0, n).Select(i => d[i * f + column]).Distinct().Order().ToArray();
        }
        _categories = categories;
        return this;
    }

    /// <summary>The one-hot encoding (N, Σ k_j).</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">A value was not seen in its column during Fit; wrong feature count; non-finite input.</exception>
    public override Tensor Transform(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        double[][] cats = _categories!;
        int f = cats.Length, width = cats.Sum(c => c.Length);
        var result = new double[n * width];
        for (int i = 0; i < n; i++)
        {
            int offset = 0;
            for (int j = 0; j < f; j++)
            {
                int k = Array.BinarySearch(cats[j], d[i * f + j]);
                if (k < 0)
                    throw new ArgumentException($"OneHotEncoder.Transform: unknown category {d[i * f + j]} in column {j} (row {i}); " +
                                                $"the categories seen by Fit are [{string.Join(", ", cats[j])}].", nameof(x));
                result[i * width + offset + k] = 1;
                offset += cats[j].Length;
            }
        }
        return Tensor.FromArray(result, n, width);
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => _categories = null;
}

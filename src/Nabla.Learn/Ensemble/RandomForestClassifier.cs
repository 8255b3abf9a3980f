using Nabla.Learn.Tree;

namespace Nabla.Learn.Ensemble;

/// <summary>A random forest of classification trees; probabilities are the mean of the trees' leaf proportions.
/// scikit-learn: <c>sklearn.ensemble.RandomForestClassifier</c> (Breiman 2001, "Random Forests").</summary>
/// <remarks>See <see cref="RandomForest"/>. Default MaxFeatures ⌊√F⌋. Shapes: X (N, F), y (N) → PredictProba (N, K).</remarks>
public sealed class RandomForestClassifier : RandomForest, IProbabilisticClassifier
{
    private double[]? _classes;
    private DType _yType;

    /// <summary>Impurity measure, Gini or Entropy. scikit-learn: <c>criterion='gini'</c>.</summary>
    public Criterion Criterion { get; init; } = Criterion.Gini;

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Classes => Input.Labels(Fitted(_classes), _yType);

    private protected override int DefaultMaxFeatures(int f) => Math.Max(1, (int)Math.Sqrt(f));

    private protected override DecisionTree NewTree() => new DecisionTreeClassifier
    {
        Criterion = Criterion, MaxDepth = MaxDepth, MinSamplesSplit = MinSamplesSplit, MinSamplesLeaf = MinSamplesLeaf,
    };

    /// <summary>Grows the forest on samples <paramref name="x"/> (N, F) and labels <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters, bad shapes or non-finite input.</exception>
    public override RandomForestClassifier Fit(Tensor x, Tensor? y = null)
    {
        if (Criterion == Criterion.SquaredError) throw new ArgumentException("RandomForestClassifier: Criterion must be Gini or Entropy.");
        double[] d = ToFloat32(FitInput(x, out int n, out int f));
        double[] labels = Input.Vector(y, "RandomForestClassifier.Fit", nameof(y), n);
        double[] classes = Input.Encode(labels, out int[] codes);
        GrowForest(d, n, f, codes, labels, classes.Length, Criterion);
        (_classes, _yType) = (classes, y!.DType);
        return this;
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor PredictProba(Tensor x)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        return Tensor.FromArray(MeanLeafValues(d, n, _classes!.Length), n, _classes.Length);
    }

    /// <inheritdoc/>
    /// <remarks>The class of largest mean probability (the first on ties).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Input.Labels(PredictLabels(x, nameof(Predict)), _yType);

    private double[] PredictLabels(Tensor x, string method)
    {
        double[] d = ToFloat32(PredictInput(x, out int n, method));
        int k = _classes!.Length;
        double[] p = MeanLeafValues(d, n, k);
        var labels = new double[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
            labels[i] = _classes[best];
        }
        return labels;
    }

    /// <inheritdoc/>
    /// <remarks>Mean accuracy of <see cref="Predict"/> on (x, y).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] p = PredictLabels(x, nameof(Score));
        double[] t = Input.Vector(y, "RandomForestClassifier.Score", nameof(y), p.Length);
        return t.Where((v, i) => v == p[i]).Count() / (double)t.Length;
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        base.ResetFitted();
        _classes = null;
    }
}

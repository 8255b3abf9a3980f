namespace Nabla.Learn.Tree;

/// <summary>A classification tree. scikit-learn: <c>sklearn.tree.DecisionTreeClassifier</c>.</summary>
/// <remarks>Leaves store the class proportions of their training samples; PredictProba returns them and Predict the
/// most frequent class (the first on ties). See <see cref="DecisionTree"/> for the growing rule.
/// Shapes: X (N, F), y (N) → PredictProba (N, K).</remarks>
public sealed class DecisionTreeClassifier : DecisionTree, IProbabilisticClassifier
{
    private double[]? _classes;
    private DType _yType;

    /// <summary>Impurity measure: <see cref="Tree.Criterion.Gini"/> or <see cref="Tree.Criterion.Entropy"/>.
    /// scikit-learn: <c>criterion='gini'</c>.</summary>
    public Criterion Criterion { get; init; } = Criterion.Gini;

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Classes => Input.Labels(Fitted(_classes), _yType);

    /// <summary>Grows the tree on samples <paramref name="x"/> (N, F) and labels <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">A regression criterion, invalid size limits, bad shapes or non-finite input.</exception>
    public override DecisionTreeClassifier Fit(Tensor x, Tensor? y = null)
    {
        if (Criterion == Criterion.SquaredError) throw new ArgumentException("DecisionTreeClassifier: Criterion must be Gini or Entropy.");
        double[] d = ToFloat32(FitInput(x, out int n, out int f));
        double[] labels = Input.Vector(y, "DecisionTreeClassifier.Fit", nameof(y), n);
        double[] classes = Input.Encode(labels, out int[] codes);
        Grow(d, n, f, codes, labels, classes.Length, Criterion);
        (_classes, _yType) = (classes, y!.DType);
        return this;
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor PredictProba(Tensor x)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        double[][] leaves = Leaves(d, n);
        int k = _classes!.Length;
        return Tensor.FromArray(leaves.SelectMany(v => v).ToArray(), n, k);
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Input.Labels(PredictLabels(x, nameof(Predict)), _yType);

    private double[] PredictLabels(Tensor x, string method)
    {
        double[] d = ToFloat32(PredictInput(x, out int n, method));
        return Leaves(d, n).Select(v =>
        {
            int best = 0;
            for (int c = 1; c < v.Length; c++) if (v[c] > v[best]) best = c;
            return _classes![best];
        }).ToArray();
    }

    /// <inheritdoc/>
    /// <remarks>Mean accuracy of <see cref="Predict"/> on (x, y).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] p = PredictLabels(x, nameof(Score));
        double[] t = Input.Vector(y, "DecisionTreeClassifier.Score", nameof(y), p.Length);
        return t.Where((v, i) => v == p[i]).Count() / (double)t.Length;
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        base.ResetFitted();
        _classes = null;
    }
}

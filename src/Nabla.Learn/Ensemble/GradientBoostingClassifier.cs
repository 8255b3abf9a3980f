namespace Nabla.Learn.Ensemble;

/// <summary>Gradient boosting for classification with the log-loss: one tree per stage on the log-odds for two
/// classes, K trees per stage on the K logits (softmax) for more. scikit-learn:
/// <c>sklearn.ensemble.GradientBoostingClassifier</c> (<c>loss='log_loss'</c>).</summary>
/// <remarks>See <see cref="GradientBoosting"/>. Shapes: X (N, F), y (N) → PredictProba (N, K), DecisionFunction (N)
/// for two classes or (N, K).</remarks>
public sealed class GradientBoostingClassifier : GradientBoosting, IProbabilisticClassifier
{
    private double[]? _classes;
    private DType _yType;

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Classes => Input.Labels(Fitted(_classes), _yType);

    /// <summary>Boosts on samples <paramref name="x"/> (N, F) and labels <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters, fewer than two classes, bad shapes or non-finite input.</exception>
    public override GradientBoostingClassifier Fit(Tensor x, Tensor? y = null)
    {
        double[] d = ToFloat32(FitInput(x, out int n, out int f));
        double[] labels = Input.Vector(y, "GradientBoostingClassifier.Fit", nameof(y), n);
        double[] classes = Input.Encode(labels, out int[] codes);
        if (classes.Length < 2) throw new ArgumentException($"GradientBoostingClassifier.Fit: y has {classes.Length} class; need at least two.", nameof(y));
        double[] yc = Array.ConvertAll(codes, c => (double)c);
        Boost(d, n, f, yc, classes.Length == 2 ? new BinomialBoostLoss() : new MultinomialBoostLoss(classes.Length));
        (_classes, _yType) = (classes, y!.DType);
        return this;
    }

    /// <summary>Raw scores: the log-odds of Classes[1] (N) for two classes, the K logits (N, K) otherwise.
    /// scikit-learn: <c>decision_function(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor DecisionFunction(Tensor x)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        double[] raw = Raw(d, n);
        return _classes!.Length == 2 ? Tensor.FromArray(raw) : Tensor.FromArray(raw, n, _classes.Length);
    }

    private double[] Proba(double[] raw, int n)
    {
        int k = _classes!.Length;
        var p = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            if (k == 2)
            {
                double s = 1 / (1 + Math.Exp(-raw[i]));
                (p[2 * i], p[2 * i + 1]) = (1 - s, s);
                continue;
            }
            double lse = MultinomialBoostLoss.LogSumExp(raw.AsSpan(i * k, k));
            for (int c = 0; c < k; c++) p[i * k + c] = Math.Exp(raw[i * k + c] - lse);
        }
        return p;
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor PredictProba(Tensor x)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        return Tensor.FromArray(Proba(Raw(d, n), n), n, _classes!.Length);
    }

    /// <summary>Class probabilities (N, K) after each stage 1..NEstimators. scikit-learn: <c>staged_predict_proba(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public IEnumerable<Tensor> StagedPredictProba(Tensor x)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        return StagedRaw(d, n).Select(r => Tensor.FromArray(Proba(r, n), n, _classes!.Length));
    }

    /// <summary>Predicted labels (N) after each stage 1..NEstimators. scikit-learn: <c>staged_predict(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public IEnumerable<Tensor> StagedPredict(Tensor x)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        return StagedRaw(d, n).Select(r => Input.Labels(Labels(Proba(r, n), n), _yType));
    }

    private double[] Labels(double[] p, int n)
    {
        int k = _classes!.Length;
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
    /// <remarks>The class of largest probability (the first on ties).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        return Input.Labels(Labels(Proba(Raw(d, n), n), n), _yType);
    }

    /// <inheritdoc/>
    /// <remarks>Mean accuracy of <see cref="Predict"/> on (x, y).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        double[] p = Labels(Proba(Raw(d, n), n), n);
        double[] t = Input.Vector(y, "GradientBoostingClassifier.Score", nameof(y), n);
        return t.Where((v, i) => v == p[i]).Count() / (double)n;
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        base.ResetFitted();
        _classes = null;
    }
}

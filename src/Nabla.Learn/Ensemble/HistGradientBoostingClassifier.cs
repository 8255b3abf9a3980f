namespace Nabla.Learn.Ensemble;

/// <summary>Histogram-based gradient boosting for classification with the log-loss: one tree per iteration on the
/// log-odds for two classes (gradient σ(F) − y, hessian σ(1 − σ)), K trees on the K logits otherwise (gradient
/// p_k − 1[y = k], hessian p_k(1 − p_k)). scikit-learn: <c>sklearn.ensemble.HistGradientBoostingClassifier</c>.</summary>
/// <remarks>See <see cref="HistGradientBoosting"/>. Shapes: X (N, F), y (N) → PredictProba (N, K), DecisionFunction (N)
/// for two classes or (N, K).</remarks>
public sealed class HistGradientBoostingClassifier : HistGradientBoosting, IProbabilisticClassifier
{
    private double[]? _classes;
    private DType _yType;
    private int _k;

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Classes => Input.Labels(Fitted(_classes), _yType);

    private protected override int Columns => _k == 2 ? 1 : _k;

    private protected override bool ConstantHessian => false;

    private protected override double[] Baseline(double[] y)
    {
        var prior = new double[_k];
        foreach (double c in y) prior[(int)c] += 1.0 / y.Length;
        if (_k == 2) return [Math.Log(prior[1] / prior[0])];
        // Log prior probabilities, centred (scikit-learn's symmetric multinomial intercept; softmax ignores the shift).
        double[] log = prior.Select(p => Math.Log(Math.Max(p, double.Epsilon))).ToArray();
        double mean = log.Average();
        return log.Select(v => v - mean).ToArray();
    }

    private protected override double Gradients(double[] y, double[] raw, float[][] g, float[][] h)
    {
        int n = y.Length;
        double loss = 0;
        if (_k == 2)
        {
            for (int i = 0; i < n; i++)
            {
                double p = 1 / (1 + Math.Exp(-raw[i]));
                g[0][i] = (float)(p - y[i]);
                h[0][i] = (float)(p * (1 - p));
                // log(1 + e^F) − yF, computed stably.
                loss += (raw[i] > 0 ? raw[i] + Math.Log(1 + Math.Exp(-raw[i])) : Math.Log(1 + Math.Exp(raw[i]))) - y[i] * raw[i];
            }
            return loss / n;
        }
        int k = _k;
        double[] partial = new double[n];
        Threading.ForBlocks(n, 20L * k, (start, count) =>
        {
            Span<double> p = stackalloc double[k];
            for (int i = start; i < start + count; i++)
            {
                double max = double.NegativeInfinity;
                for (int c = 0; c < k; c++) max = Math.Max(max, raw[i * k + c]);
                double sum = 0;
                for (int c = 0; c < k; c++) sum += p[c] = Math.Exp(raw[i * k + c] - max);
                int label = (int)y[i];
                for (int c = 0; c < k; c++)
                {
                    double pc = p[c] / sum;
                    g[c][i] = (float)(pc - (c == label ? 1 : 0));
                    h[c][i] = (float)(pc * (1 - pc));
                }
                partial[i] = max + Math.Log(sum) - raw[i * k + label];
            }
        });
        foreach (double v in partial) loss += v;
        return loss / n;
    }

    /// <summary>Boosts on samples <paramref name="x"/> (N, F) and labels <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters, fewer than two classes, bad shapes or non-finite input.</exception>
    public override HistGradientBoostingClassifier Fit(Tensor x, Tensor? y = null)
    {
        double[] d = FitInput(x, out int n, out int f);
        double[] labels = Input.Vector(y, "HistGradientBoostingClassifier.Fit", nameof(y), n);
        double[] classes = Input.Encode(labels, out int[] codes);
        if (classes.Length < 2) throw new ArgumentException($"HistGradientBoostingClassifier.Fit: y has {classes.Length} class; need at least two.", nameof(y));
        _k = classes.Length;
        Boost(d, n, f, Array.ConvertAll(codes, c => (double)c));
        (_classes, _yType) = (classes, y!.DType);
        return this;
    }

    /// <summary>Raw scores: log-odds of Classes[1] (N) for two classes, else the K logits (N, K).
    /// scikit-learn: <c>decision_function(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor DecisionFunction(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        double[] raw = Raw(d, n);
        return _k == 2 ? Tensor.FromArray(raw) : Tensor.FromArray(raw, n, _k);
    }

    private double[] Proba(double[] raw, int n)
    {
        var p = new double[n * _k];
        for (int i = 0; i < n; i++)
        {
            if (_k == 2)
            {
                double s = 1 / (1 + Math.Exp(-raw[i]));
                (p[2 * i], p[2 * i + 1]) = (1 - s, s);
                continue;
            }
            double lse = MultinomialBoostLoss.LogSumExp(raw.AsSpan(i * _k, _k));
            for (int c = 0; c < _k; c++) p[i * _k + c] = Math.Exp(raw[i * _k + c] - lse);
        }
        return p;
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor PredictProba(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        return Tensor.FromArray(Proba(Raw(d, n), n), n, _k);
    }

    private double[] Labels(Tensor x, string method)
    {
        double[] d = PredictInput(x, out int n, method);
        double[] p = Proba(Raw(d, n), n);
        var labels = new double[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int c = 1; c < _k; c++) if (p[i * _k + c] > p[i * _k + best]) best = c;
            labels[i] = _classes![best];
        }
        return labels;
    }

    /// <inheritdoc/>
    /// <remarks>The class of largest probability (the first on ties).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Input.Labels(Labels(x, nameof(Predict)), _yType);

    /// <inheritdoc/>
    /// <remarks>Mean accuracy of <see cref="Predict"/> on (x, y).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] p = Labels(x, nameof(Score));
        double[] t = Input.Vector(y, "HistGradientBoostingClassifier.Score", nameof(y), p.Length);
        return t.Where((v, i) => v == p[i]).Count() / (double)t.Length;
    }

    /// <inheritdoc/>
    protected override void ResetFitted()
    {
        base.ResetFitted();
        _classes = null;
    }
}

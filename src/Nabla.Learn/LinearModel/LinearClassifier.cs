using Nabla.Kernels;

namespace Nabla.Learn.LinearModel;

/// <summary>What every linear classifier shares once fitted: weights W (one row for two classes, one per class
/// otherwise), biases b, scores z = x·Wᵀ + b, and predictions from the scores. scikit-learn:
/// <c>sklearn.linear_model._base.LinearClassifierMixin</c>.</summary>
/// <remarks>Shapes: X (N, F) → scores (N) for two classes, else (N, K); Coef (1, F) or (K, F); Intercept (1) or (K).</remarks>
public abstract class LinearClassifier : Estimator, IClassifier
{
    private protected double[]? _coef, _intercept, _classes;
    private protected DType _yType;
    private protected int? _nIter;

    /// <summary>The weights: (1, F) for two classes, (K, F) otherwise. scikit-learn: <c>coef_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Coef
    {
        get
        {
            double[] c = Fitted(_coef);
            return Tensor.FromArray(c, c.Length / NFeaturesIn, NFeaturesIn);
        }
    }

    /// <summary>The biases: (1) for two classes, (K) otherwise. scikit-learn: <c>intercept_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Intercept => Tensor.FromArray(Fitted(_intercept));

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Classes => Input.Labels(Fitted(_classes), _yType);

    /// <summary>Iterations (epochs) the solver ran. scikit-learn: <c>n_iter_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NIter => Fitted(_nIter);

    /// <summary>The scores z = x·Wᵀ + b: (N) for two classes (positive means the larger label), else (N, K).
    /// scikit-learn: <c>decision_function</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor DecisionFunction(Tensor x)
    {
        double[] z = Scores(x, out int n, out int k);
        return k == 1 ? Tensor.FromArray(z, n) : Tensor.FromArray(z, n, k);
    }

    /// <summary>Row-major scores (N, K) with K = 1 for two classes.</summary>
    private protected double[] Scores(Tensor x, out int n, out int k, string method = nameof(DecisionFunction))
    {
        double[] d = PredictInput(x, out n, method);
        double[] w = _coef!, b = _intercept!;
        k = b.Length;
        int f = w.Length / k;
        var z = new double[n * k];
        Gemm.Multiply(transA: false, transB: true, n, k, f, 1, d, f, w, f, 0, z, k);
        for (int i = 0; i < z.Length; i++) z[i] += b[i % k];
        return z;
    }

    /// <inheritdoc/>
    /// <remarks>Two classes: the larger label where the score is positive; K classes: the class of largest score (the
    /// first on ties).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Input.Labels(PredictLabels(x, nameof(Predict)), _yType);

    private double[] PredictLabels(Tensor x, string method)
    {
        double[] z = Scores(x, out int n, out int k, method);
        var labels = new double[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            if (k == 1) best = z[i] > 0 ? 1 : 0;
            else for (int c = 1; c < k; c++) if (z[i * k + c] > z[i * k + best]) best = c;
            labels[i] = _classes![best];
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
        double[] t = Input.Vector(y, $"{GetType().Name}.Score", nameof(y), p.Length);
        return t.Where((v, i) => v == p[i]).Count() / (double)t.Length;
    }

    /// <summary>Trains one binary linear problem on labels ±1 into the weight row w and bias b; returns the epochs
    /// it ran.</summary>
    private protected delegate int BinaryTrainer(double[] x, double[] sign, int n, int f, Span<double> w, ref double b, Generator g);

    /// <summary>Fits by one-vs-rest: with two classes one problem (the larger label positive), with K ≥ 3 classes K
    /// problems (class c against the rest), each trained by <paramref name="train"/>; then sets the fitted state.</summary>
    private protected void FitOneVsRest(string estimator, Tensor x, Tensor? y, long? randomState, BinaryTrainer train)
    {
        double[] xd = FitInput(x, out int n, out int f);
        double[] yd = Input.Vector(y, $"{estimator}.Fit", nameof(y), n);
        double[] classes = Input.Encode(yd, out int[] codes);
        if (classes.Length < 2)
            throw new ArgumentException($"{estimator}.Fit: y has a single class ({classes[0]}); need at least two.", nameof(y));
        int k = classes.Length == 2 ? 1 : classes.Length;
        var coef = new double[k * f];
        var intercept = new double[k];
        var g = new Generator(randomState ?? System.Random.Shared.NextInt64());
        int epochs = 0;
        for (int c = 0; c < k; c++)
        {
            int positive = k == 1 ? 1 : c;
            double[] sign = codes.Select(code => code == positive ? 1.0 : -1.0).ToArray();
            epochs = Math.Max(epochs, train(xd, sign, n, f, coef.AsSpan(c * f, f), ref intercept[c], g));
        }
        (_coef, _intercept, _classes, _yType, _nIter) = (coef, intercept, classes, y!.DType, epochs);
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_coef, _intercept, _classes, _nIter) = (null, null, null, null);
}

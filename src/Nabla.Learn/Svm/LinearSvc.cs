namespace Nabla.Learn.Svm;

/// <summary>The loss of a <see cref="LinearSvc"/>. scikit-learn: <c>LinearSVC(loss=...)</c>.</summary>
public enum LinearSvcLoss
{
    /// <summary>max(0, 1 − y f(x))², differentiable. scikit-learn: <c>'squared_hinge'</c>, the default.</summary>
    SquaredHinge,

    /// <summary>The hinge loss max(0, 1 − y f(x)) of the standard SVM. scikit-learn: <c>'hinge'</c>.</summary>
    Hinge,
}

/// <summary>A linear support vector classifier, one-vs-rest, solved by dual coordinate descent.
/// scikit-learn: <c>sklearn.svm.LinearSVC</c> (liblinear; Hsieh et al. 2008, "A dual coordinate descent method for
/// large-scale linear SVM").</summary>
/// <remarks>
/// For each class c (only Classes[1] for two classes), with y = +1 on c and −1 elsewhere, minimises
/// ½‖w̃‖² + C Σ ℓ(y_i w̃·x̃_i), x̃ = (x, InterceptScaling) so that the intercept b = InterceptScaling·w̃_F is regularised
/// as liblinear's; ℓ is the squared hinge or the hinge. The dual, min ½αᵀ(Q + D)α − Σα over 0 ≤ α ≤ U (D = 1/(2C),
/// U = ∞ for the squared hinge; D = 0, U = C for the hinge), is solved one coordinate at a time in a random order
/// each pass, keeping w = Σ α_i y_i x̃_i, with liblinear's shrinking of coordinates stuck at a bound; it stops when the
/// projected-gradient spread is below <see cref="Tol"/>. Shapes: X (N, F), y (N) → Coef (K, F) or (1, F),
/// DecisionFunction (N, K) or (N).
/// </remarks>
public sealed class LinearSvc : Estimator, IClassifier
{
    private double[]? _classes, _coef, _intercept;
    private DType _yType;

    /// <summary>Inverse regularisation strength (&gt; 0). scikit-learn: <c>C=1.0</c>.</summary>
    public double C { get; init; } = 1.0;

    /// <summary>The loss. scikit-learn: <c>loss='squared_hinge'</c>.</summary>
    public LinearSvcLoss Loss { get; init; } = LinearSvcLoss.SquaredHinge;

    /// <summary>Stopping tolerance on the projected gradient. scikit-learn: <c>tol=1e-4</c>.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>Maximum passes over the data per class. scikit-learn: <c>max_iter=1000</c>.</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Whether to fit an intercept. scikit-learn: <c>fit_intercept=True</c>.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Value of the synthetic constant feature whose weight is the intercept. scikit-learn: <c>intercept_scaling=1</c>.</summary>
    public double InterceptScaling { get; init; } = 1.0;

    /// <summary>Seed of the coordinate order; null draws a fresh one. scikit-learn: <c>random_state=None</c>.</summary>
    public long? RandomState { get; init; }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Classes => Input.Labels(Fitted(_classes), _yType);

    /// <summary>Weights (K, F), or (1, F) for two classes. scikit-learn: <c>coef_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Coef => Tensor.FromArray(Fitted(_coef), _intercept!.Length, NFeaturesIn);

    /// <summary>Intercepts (K) or (1). scikit-learn: <c>intercept_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Intercept => Tensor.FromArray(Fitted(_intercept));

    /// <summary>Fits on samples <paramref name="x"/> (N, F) and labels <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters, fewer than two classes, bad shapes or non-finite input.</exception>
    public override LinearSvc Fit(Tensor x, Tensor? y = null)
    {
        if (!(C > 0) || !(Tol > 0) || MaxIter < 1 || !(InterceptScaling > 0))
            throw new ArgumentException($"LinearSvc: need C > 0, Tol > 0, MaxIter ≥ 1, InterceptScaling > 0; got {C}, {Tol}, {MaxIter}, {InterceptScaling}.");
        double[] d = FitInput(x, out int n, out int f);
        double[] labels = Input.Vector(y, "LinearSvc.Fit", nameof(y), n);
        double[] classes = Input.Encode(labels, out int[] codes);
        if (classes.Length < 2) throw new ArgumentException($"LinearSvc.Fit: y has {classes.Length} class; need at least two.", nameof(y));
        int rows = classes.Length == 2 ? 1 : classes.Length;
        var coef = new double[rows * f];
        var intercept = new double[rows];
        var g = new Generator(RandomState ?? System.Random.Shared.NextInt64());
        for (int r = 0; r < rows; r++)
        {
            int positive = classes.Length == 2 ? 1 : r;
            sbyte[] sign = codes.Select(c => c == positive ? (sbyte)1 : (sbyte)-1).ToArray();
            double[] w = Solve(d, n, f, sign, g);
            Array.Copy(w, 0, coef, r * f, f);
            intercept[r] = FitIntercept ? InterceptScaling * w[f] : 0;
        }
        (_classes, _yType, _coef, _intercept) = (classes, y!.DType, coef, intercept);
        return this;
    }

    /// <summary>liblinear's <c>solve_l2r_l1l2_svc</c> on (x, bias) with labels ±1; returns w̃ (F + 1).</summary>
    private double[] Solve(double[] x, int n, int f, sbyte[] y, Generator g)
    {
        double bias = FitIntercept ? InterceptScaling : 0;
        (double diag, double upper) = Loss == LinearSvcLoss.SquaredHinge ? (0.5 / C, double.PositiveInfinity) : (0.0, C);
        var w = new double[f + 1];
        var alpha = new double[n];
        var qd = new double[n];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> xi = x.AsSpan(i * f, f);
            qd[i] = diag + System.Numerics.Tensors.TensorPrimitives.Dot(xi, xi) + bias * bias;
        }
        int[] index = Enumerable.Range(0, n).ToArray();
        int active = n;
        double pgMaxOld = double.PositiveInfinity, pgMinOld = double.NegativeInfinity;
        for (int iter = 0; iter < MaxIter;)
        {
            double pgMaxNew = double.NegativeInfinity, pgMinNew = double.PositiveInfinity;
            for (int s = 0; s < active; s++)
            {
                int j = s + (int)g.NextBounded((ulong)(active - s));
                (index[s], index[j]) = (index[j], index[s]);
            }
            for (int s = 0; s < active; s++)
            {
                int i = index[s];
                ReadOnlySpan<double> xi = x.AsSpan(i * f, f);
                double grad = y[i] * (System.Numerics.Tensors.TensorPrimitives.Dot(w.AsSpan(0, f), xi) + w[f] * bias) - 1 + alpha[i] * diag;
                double pg = 0;
                if (alpha[i] == 0)
                {
                    if (grad > pgMaxOld)
                    {
                        // Shrink: at the lower bound with a gradient pushing it further out.
                        active--;
                        (index[s], index[active]) = (index[active], index[s]);
                        s--;
                        continue;
                    }
                    if (grad < 0) pg = grad;
                }
                else if (alpha[i] == upper)
                {
                    if (grad < pgMinOld)
                    {
                        active--;
                        (index[s], index[active]) = (index[active], index[s]);
                        s--;
                        continue;
                    }
                    if (grad > 0) pg = grad;
                }
                else pg = grad;
                pgMaxNew = Math.Max(pgMaxNew, pg);
                pgMinNew = Math.Min(pgMinNew, pg);
                if (Math.Abs(pg) > 1e-12)
                {
                    double old = alpha[i];
                    alpha[i] = Math.Min(Math.Max(alpha[i] - grad / qd[i], 0.0), upper);
                    double delta = (alpha[i] - old) * y[i];
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(xi, delta, w.AsSpan(0, f), w.AsSpan(0, f));
                    w[f] += delta * bias;
                }
            }
            iter++;
            if (pgMaxNew - pgMinNew <= Tol)
            {
                if (active == n) break;
                // Converged on the shrunk set: check all coordinates again.
                active = n;
                pgMaxOld = double.PositiveInfinity;
                pgMinOld = double.NegativeInfinity;
                continue;
            }
            pgMaxOld = pgMaxNew <= 0 ? double.PositiveInfinity : pgMaxNew;
            pgMinOld = pgMinNew >= 0 ? double.NegativeInfinity : pgMinNew;
        }
        return w;
    }

    private double[] Scores(double[] d, int n)
    {
        int rows = _intercept!.Length, f = NFeaturesIn;
        var s = new double[n * rows];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < rows; r++)
                s[i * rows + r] = System.Numerics.Tensors.TensorPrimitives.Dot(d.AsSpan(i * f, f), _coef.AsSpan(r * f, f)) + _intercept[r];
        return s;
    }

    /// <summary>Signed distances to the hyperplanes times ‖w‖: (N) for two classes (positive means Classes[1]),
    /// else (N, K). scikit-learn: <c>decision_function(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor DecisionFunction(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        double[] s = Scores(d, n);
        return _intercept!.Length == 1 ? Tensor.FromArray(s) : Tensor.FromArray(s, n, _intercept.Length);
    }

    private double[] Labels(Tensor x, string method)
    {
        double[] d = PredictInput(x, out int n, method);
        double[] s = Scores(d, n);
        int rows = _intercept!.Length;
        var labels = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (rows == 1)
            {
                labels[i] = _classes![s[i] > 0 ? 1 : 0];
                continue;
            }
            int best = 0;
            for (int r = 1; r < rows; r++) if (s[i * rows + r] > s[i * rows + best]) best = r;
            labels[i] = _classes![best];
        }
        return labels;
    }

    /// <inheritdoc/>
    /// <remarks>The class of largest decision value (for two classes: Classes[1] when positive).</remarks>
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
        double[] t = Input.Vector(y, "LinearSvc.Score", nameof(y), p.Length);
        return t.Where((v, i) => v == p[i]).Count() / (double)t.Length;
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_classes, _coef, _intercept) = (null, null, null);
}

namespace Nabla.Learn.LinearModel;

/// <summary>Linear regression trained by plain stochastic gradient descent.
/// scikit-learn: <c>sklearn.linear_model.SGDRegressor</c>.</summary>
/// <remarks>
/// Minimises (1/N) Σ L(w·x_i + b − y_i) + (α/2)‖w‖² (for <see cref="Penalty.L2"/>) one sample at a time with
/// scikit-learn's update order (score, L2 shrink, loss step) and stopping rule, as <see cref="SgdClassifier"/>; the
/// default schedule is invscaling, η_t = eta0/t^power_t. Unshuffled training is deterministic and reproduces
/// scikit-learn's coefficients. Shapes: X (N, F), y (N) → Coef (F), Intercept scalar.
/// </remarks>
public sealed class SgdRegressor : Estimator, IRegressor
{
    private double[]? _coef;
    private double? _intercept;
    private int? _nIter;

    /// <summary>The loss. scikit-learn: <c>loss='squared_error'</c>.</summary>
    public SgdRegressionLoss Loss { get; init; } = SgdRegressionLoss.SquaredError;

    /// <summary>Width ε of the Huber and epsilon-insensitive losses. scikit-learn: <c>epsilon=0.1</c>.</summary>
    public double Epsilon { get; init; } = 0.1;

    /// <summary>The regulariser. scikit-learn: <c>penalty='l2'</c>.</summary>
    public Penalty Penalty { get; init; } = Penalty.L2;

    /// <summary>Regularisation strength α ≥ 0. scikit-learn: <c>alpha=0.0001</c>.</summary>
    public double Alpha { get; init; } = 1e-4;

    /// <summary>Whether to fit the bias b. scikit-learn: <c>fit_intercept=True</c>.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Maximum epochs. scikit-learn: <c>max_iter=1000</c>.</summary>
    public int MaxIter { get; init; } = 1000;

    /// <summary>Loss-improvement tolerance per sample; null disables the stopping rule. scikit-learn: <c>tol=1e-3</c>.</summary>
    public double? Tol { get; init; } = 1e-3;

    /// <summary>Whether to shuffle the samples every epoch. scikit-learn: <c>shuffle=True</c>.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The step-size schedule. scikit-learn: <c>learning_rate='invscaling'</c>.</summary>
    public LearningRate LearningRate { get; init; } = LearningRate.InvScaling;

    /// <summary>Initial step for the constant and invscaling schedules. scikit-learn: <c>eta0=0.01</c>.</summary>
    public double Eta0 { get; init; } = 0.01;

    /// <summary>Exponent of the invscaling schedule. scikit-learn: <c>power_t=0.25</c>.</summary>
    public double PowerT { get; init; } = 0.25;

    /// <summary>Epochs without improvement before stopping. scikit-learn: <c>n_iter_no_change=5</c>.</summary>
    public int NIterNoChange { get; init; } = 5;

    /// <summary>Seed of the shuffling; null draws a fresh one. scikit-learn: <c>random_state=None</c>
    /// (Nabla's generator, so shuffled runs differ from scikit-learn's).</summary>
    public long? RandomState { get; init; }

    /// <summary>The weights w (F). scikit-learn: <c>coef_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Coef => Tensor.FromArray(Fitted(_coef));

    /// <summary>The bias b. scikit-learn: <c>intercept_[0]</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public double Intercept => Fitted(_intercept);

    /// <summary>Epochs run. scikit-learn: <c>n_iter_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NIter => Fitted(_nIter);

    /// <summary>Trains on samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters (α &lt; 0, or α = 0 with the optimal schedule, eta0 ≤ 0
    /// with the others, ε &lt; 0, MaxIter or NIterNoChange &lt; 1, Tol &lt; 0); bad shapes or non-finite input.</exception>
    public override SgdRegressor Fit(Tensor x, Tensor? y = null)
    {
        if (!(Alpha >= 0) || (LearningRate == LearningRate.Optimal && Alpha == 0) || (LearningRate != LearningRate.Optimal && !(Eta0 > 0))
            || !(Epsilon >= 0) || MaxIter < 1 || NIterNoChange < 1 || Tol < 0)
            throw new ArgumentException($"SgdRegressor: invalid hyper-parameters (Alpha {Alpha}, LearningRate {LearningRate}, Eta0 {Eta0}, Epsilon {Epsilon}, " +
                                        $"MaxIter {MaxIter}, NIterNoChange {NIterNoChange}, Tol {Tol}); the optimal schedule needs Alpha > 0, the others Eta0 > 0.");
        double[] xd = FitInput(x, out int n, out int f);
        double[] yd = Input.Vector(y, "SgdRegressor.Fit", nameof(y), n);
        var w = new double[f];
        double b = 0;
        var options = new Sgd.Options(Penalty, Alpha, FitIntercept, MaxIter, Tol, Shuffle, LearningRate, Eta0, PowerT, NIterNoChange);
        int epochs = Sgd.Train(xd, yd, n, f, w, ref b, new Generator(RandomState ?? System.Random.Shared.NextInt64()), LossAt, options);
        (_coef, _intercept, _nIter) = (w, b, epochs);
        return this;
    }

    private (double Loss, double DLoss) LossAt(double p, double y)
    {
        double r = p - y;
        switch (Loss)
        {
            case SgdRegressionLoss.SquaredError:
                return (0.5 * r * r, r);
            case SgdRegressionLoss.Huber:
                return Math.Abs(r) <= Epsilon ? (0.5 * r * r, r) : (Epsilon * Math.Abs(r) - 0.5 * Epsilon * Epsilon, Math.Sign(r) * Epsilon);
            default:
                double excess = Math.Abs(r) - Epsilon;
                return excess > 0 ? (excess, Math.Sign(r)) : (0, 0);
        }
    }

    /// <summary>ŷ = X w + b (N), Float64. scikit-learn: <c>predict(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Tensor.FromArray(PredictValues(x, nameof(Predict)));

    private double[] PredictValues(Tensor x, string method)
    {
        double[] d = PredictInput(x, out int n, method);
        double[] w = _coef!;
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = _intercept!.Value;
            for (int j = 0; j < w.Length; j++) s += d[i * w.Length + j] * w[j];
            result[i] = s;
        }
        return result;
    }

    /// <summary>R² of the predictions on (x, y). scikit-learn: <c>score(X, y)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] p = PredictValues(x, nameof(Score));
        return Regression.R2(Input.Vector(y, "SgdRegressor.Score", nameof(y), p.Length), p);
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_coef, _intercept, _nIter) = (null, null, null);
}

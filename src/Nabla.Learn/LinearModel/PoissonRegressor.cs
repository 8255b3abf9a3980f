namespace Nabla.Learn.LinearModel;

/// <summary>Generalised linear model for counts: Poisson distribution with log link, fitted by L-BFGS.
/// scikit-learn: <c>sklearn.linear_model.PoissonRegressor(solver='lbfgs')</c>.</summary>
/// <remarks>
/// The mean is μ = exp(x·w + b). Minimises scikit-learn's objective (1/N) Σ (μ_i − y_i log μ_i) + (α/2)‖w‖² (half
/// the mean Poisson deviance up to a constant; the intercept is not penalised); gradient (1/N) Xᵀ(μ − y) + αw.
/// Score is D², the fraction of Poisson deviance explained, with deviance 2 Σ (y log(y/μ) − y + μ) (y log y = 0 at 0).
/// Shapes: X (N, F), y (N) non-negative → Coef (F), Intercept scalar, Predict (N) = μ.
/// </remarks>
public sealed class PoissonRegressor : Estimator, IRegressor
{
    private double[]? _coef;
    private double? _intercept;
    private int? _nIter;

    /// <summary>L2 penalty strength α ≥ 0. scikit-learn: <c>alpha=1.0</c>.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Whether to fit the bias b. scikit-learn: <c>fit_intercept=True</c>.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>Maximum L-BFGS iterations. scikit-learn: <c>max_iter=100</c>.</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Gradient tolerance max|∇|. scikit-learn: <c>tol=1e-4</c>.</summary>
    public double Tol { get; init; } = 1e-4;

    /// <summary>The weights w (F). scikit-learn: <c>coef_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Coef => Tensor.FromArray(Fitted(_coef));

    /// <summary>The bias b (log of the baseline mean). scikit-learn: <c>intercept_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public double Intercept => Fitted(_intercept);

    /// <summary>L-BFGS iterations of the last Fit. scikit-learn: <c>n_iter_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public int NIter => Fitted(_nIter);

    /// <summary>Fits w and b to samples <paramref name="x"/> (N, F) and counts <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">α &lt; 0, MaxIter &lt; 1, Tol &lt; 0; a negative target; bad shapes or non-finite input.</exception>
    public override PoissonRegressor Fit(Tensor x, Tensor? y = null)
    {
        if (!(Alpha >= 0) || MaxIter < 1 || !(Tol >= 0))
            throw new ArgumentException($"PoissonRegressor: need Alpha ≥ 0, MaxIter ≥ 1, Tol ≥ 0; got {Alpha}, {MaxIter}, {Tol}.");
        double[] d = FitInput(x, out int n, out int f);
        double[] t = Input.Vector(y, "PoissonRegressor.Fit", nameof(y), n);
        if (t.Any(v => v < 0)) throw new ArgumentException("PoissonRegressor.Fit: y must be non-negative (counts or rates).", nameof(y));
        var theta = new double[f + 1];
        // Start at the intercept-only optimum b = log ȳ (scikit-learn's starting point too), where the linear term is 0.
        if (FitIntercept && t.Average() > 0) theta[f] = Math.Log(t.Average());
        int iterations = Lbfgs.Minimize((w, g) => Objective(w, g, d, t, n, f), theta, MaxIter, Tol);
        (_coef, _intercept, _nIter) = (theta[..f], FitIntercept ? theta[f] : 0, iterations);
        return this;
    }

    private double Objective(double[] w, double[] g, double[] x, double[] y, int n, int f)
    {
        Array.Clear(g);
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double z = FitIntercept ? w[f] : 0;
            for (int j = 0; j < f; j++) z += x[i * f + j] * w[j];
            double mu = Math.Exp(z);
            loss += mu - y[i] * z;
            // ∂/∂z (μ − y z) = μ − y.
            double r = (mu - y[i]) / n;
            for (int j = 0; j < f; j++) g[j] += r * x[i * f + j];
            if (FitIntercept) g[f] += r;
        }
        loss /= n;
        for (int j = 0; j < f; j++)
        {
            loss += 0.5 * Alpha * w[j] * w[j];
            g[j] += Alpha * w[j];
        }
        return loss;
    }

    /// <summary>The predicted means μ = exp(x·w + b) (N). scikit-learn: <c>predict(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Tensor.FromArray(Means(x, nameof(Predict)));

    private double[] Means(Tensor x, string method)
    {
        double[] d = PredictInput(x, out int n, method);
        double[] w = _coef!;
        var mu = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z = _intercept!.Value;
            for (int j = 0; j < w.Length; j++) z += d[i * w.Length + j] * w[j];
            mu[i] = Math.Exp(z);
        }
        return mu;
    }

    /// <summary>D² = 1 − deviance(y, μ) / deviance(y, ȳ), the fraction of Poisson deviance explained.
    /// scikit-learn: <c>score(X, y)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] mu = Means(x, nameof(Score));
        double[] t = Input.Vector(y, "PoissonRegressor.Score", nameof(y), mu.Length);
        double mean = t.Average();
        return 1 - Deviance(t, i => mu[i]) / Deviance(t, _ => mean);
    }

    private static double Deviance(double[] y, Func<int, double> mu)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += 2 * ((y[i] > 0 ? y[i] * Math.Log(y[i] / mu(i)) : 0) - y[i] + mu(i));
        return s;
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_coef, _intercept, _nIter) = (null, null, null);
}

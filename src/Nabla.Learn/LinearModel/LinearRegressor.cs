namespace Nabla.Learn.LinearModel;

/// <summary>Base of the linear regressors: ŷ = X w + b with learned <see cref="Coef"/> w and <see cref="Intercept"/> b.
/// scikit-learn: <c>sklearn.linear_model._base.LinearModel</c>.</summary>
public abstract class LinearRegressor : Estimator, IRegressor
{
    private double[]? _coef;
    private double? _intercept;

    /// <summary>Whether to fit b; if false, b = 0 and the data are used uncentred. scikit-learn: <c>fit_intercept=True</c>.</summary>
    public bool FitIntercept { get; init; } = true;

    /// <summary>The weights w (F), Float64. scikit-learn: <c>coef_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public Tensor Coef => Tensor.FromArray(Fitted(_coef));

    /// <summary>The bias b (0 when <see cref="FitIntercept"/> is false). scikit-learn: <c>intercept_</c>.</summary>
    /// <exception cref="NotFittedException">Read before Fit.</exception>
    public double Intercept => Fitted(_intercept);

    /// <summary>Fits w and b to samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Shapes disagree, an input is not finite, or the problem is singular.</exception>
    public override LinearRegressor Fit(Tensor x, Tensor? y = null)
    {
        double[] xd = FitInput(x, out int n, out int f);
        double[] yd = Input.Vector(y, $"{Name}.Fit", nameof(y), n);
        // With an intercept, centring X and y removes b from the problem: the optimal b = ȳ − x̄·w for any
        // penalty on w alone, so the solver sees centred data without an intercept column.
        double[] xMean = FitIntercept ? LinAlg.ColumnMeans(xd, n, f) : new double[f];
        double yMean = FitIntercept ? yd.Average() : 0;
        if (FitIntercept)
        {
            for (int i = 0; i < xd.Length; i++) xd[i] -= xMean[i % f];
            for (int i = 0; i < n; i++) yd[i] -= yMean;
        }
        double[] w = Solve(xd, yd, n, f);
        double b = yMean;
        for (int j = 0; j < f; j++) b -= xMean[j] * w[j];
        (_coef, _intercept) = (w, FitIntercept ? b : 0);
        return this;
    }

    /// <summary>The penalised least-squares solution for centred (or raw) x (N, F) and y (N).</summary>
    private protected abstract double[] Solve(double[] x, double[] y, int n, int f);

    /// <summary>ŷ = X w + b (N), Float64. scikit-learn: <c>predict(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x) => Tensor.FromArray(PredictValues(x));

    private double[] PredictValues(Tensor x, string method = nameof(Predict))
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
        return Regression.R2(Input.Vector(y, $"{Name}.Score", nameof(y), p.Length), p);
    }

    /// <inheritdoc/>
    protected override void ResetFitted() => (_coef, _intercept) = (null, null);
}

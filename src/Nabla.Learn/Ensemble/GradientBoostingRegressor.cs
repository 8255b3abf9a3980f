namespace Nabla.Learn.Ensemble;

/// <summary>Gradient boosting for regression. scikit-learn: <c>sklearn.ensemble.GradientBoostingRegressor</c>.</summary>
/// <remarks>See <see cref="GradientBoosting"/>. Shapes: X (N, F), y (N) → Predict (N).</remarks>
public sealed class GradientBoostingRegressor : GradientBoosting, IRegressor
{
    /// <summary>The loss. scikit-learn: <c>loss='squared_error'</c>.</summary>
    public GradientBoostingLoss Loss { get; init; } = GradientBoostingLoss.SquaredError;

    /// <summary>Quantile of |y − F| at which the Huber loss turns linear. scikit-learn: <c>alpha=0.9</c>.</summary>
    public double Alpha { get; init; } = 0.9;

    /// <summary>Boosts on samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters, bad shapes or non-finite input.</exception>
    public override GradientBoostingRegressor Fit(Tensor x, Tensor? y = null)
    {
        if (!(Alpha > 0 && Alpha < 1)) throw new ArgumentException($"GradientBoostingRegressor: Alpha must be in (0, 1), got {Alpha}.");
        double[] d = ToFloat32(FitInput(x, out int n, out int f));
        double[] targets = Input.Vector(y, "GradientBoostingRegressor.Fit", nameof(y), n);
        BoostLoss loss = Loss switch
        {
            GradientBoostingLoss.AbsoluteError => new AbsoluteErrorBoostLoss(),
            GradientBoostingLoss.Huber => new HuberBoostLoss(Alpha),
            _ => new SquaredErrorBoostLoss(),
        };
        Boost(d, n, f, targets, loss);
        return this;
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        return Tensor.FromArray(Raw(d, n));
    }

    /// <summary>The predictions (N) after each stage 1..NEstimators. scikit-learn: <c>staged_predict(X)</c>.</summary>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public IEnumerable<Tensor> StagedPredict(Tensor x)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        return StagedRaw(d, n).Select(r => Tensor.FromArray(r));
    }

    /// <inheritdoc/>
    /// <remarks>R² of <see cref="Predict"/> on (x, y).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] d = ToFloat32(PredictInput(x, out int n));
        double[] p = Raw(d, n);
        return Regression.R2(Input.Vector(y, "GradientBoostingRegressor.Score", nameof(y), n), p);
    }
}

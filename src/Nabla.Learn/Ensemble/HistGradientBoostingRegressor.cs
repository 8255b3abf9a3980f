namespace Nabla.Learn.Ensemble;

/// <summary>Histogram-based gradient boosting for regression with the squared error (gradient F − y, hessian 1).
/// scikit-learn: <c>sklearn.ensemble.HistGradientBoostingRegressor</c> (<c>loss='squared_error'</c>).</summary>
/// <remarks>See <see cref="HistGradientBoosting"/>. Shapes: X (N, F), y (N) → Predict (N).</remarks>
public sealed class HistGradientBoostingRegressor : HistGradientBoosting, IRegressor
{
    private protected override int Columns => 1;

    private protected override bool ConstantHessian => true;

    private protected override double[] Baseline(double[] y) => [y.Average()];

    private protected override double Gradients(double[] y, double[] raw, float[][] g, float[][] h)
    {
        double loss = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double d = raw[i] - y[i];
            g[0][i] = (float)d;
            loss += 0.5 * d * d;
        }
        return loss / y.Length;
    }

    /// <summary>Boosts on samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <exception cref="ArgumentException">Invalid hyper-parameters, bad shapes or non-finite input.</exception>
    public override HistGradientBoostingRegressor Fit(Tensor x, Tensor? y = null)
    {
        double[] d = FitInput(x, out int n, out int f);
        Boost(d, n, f, Input.Vector(y, "HistGradientBoostingRegressor.Fit", nameof(y), n));
        return this;
    }

    /// <inheritdoc/>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong feature count, or non-finite input.</exception>
    public Tensor Predict(Tensor x)
    {
        double[] d = PredictInput(x, out int n);
        return Tensor.FromArray(Raw(d, n));
    }

    /// <inheritdoc/>
    /// <remarks>R² of <see cref="Predict"/> on (x, y).</remarks>
    /// <exception cref="NotFittedException">Called before Fit.</exception>
    /// <exception cref="ArgumentException">Wrong shapes, or non-finite input.</exception>
    public double Score(Tensor x, Tensor y)
    {
        double[] d = PredictInput(x, out int n);
        return Regression.R2(Input.Vector(y, "HistGradientBoostingRegressor.Score", nameof(y), n), Raw(d, n));
    }
}

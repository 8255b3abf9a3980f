namespace Nabla.Learn.LinearModel;

/// <summary>Least squares with an L2 penalty: minimises ‖y − X w − b‖² + α‖w‖². scikit-learn: <c>sklearn.linear_model.Ridge</c>.</summary>
/// <remarks>w = (XᵀX + αI)⁻¹ Xᵀy on centred data (the intercept is not penalised), solved by Cholesky in double,
/// as scikit-learn's <c>solver='cholesky'</c> (its choice under <c>'auto'</c> for dense X).
/// Shapes: X (N, F), y (N) → Coef (F), Intercept scalar.</remarks>
public sealed class Ridge : LinearRegressor
{
    /// <summary>Penalty strength α ≥ 0. scikit-learn: <c>alpha=1.0</c>.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Fits w and b to samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <returns>This estimator.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, an input is not finite, or the problem is singular.</exception>
    public override Ridge Fit(Tensor x, Tensor? y = null) => (Ridge)base.Fit(x, y);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">α is negative, or α = 0 with a singular XᵀX.</exception>
    private protected override double[] Solve(double[] x, double[] y, int n, int f)
    {
        if (!(Alpha >= 0)) throw new ArgumentException($"Ridge: Alpha must be non-negative, got {Alpha}.");
        (double[] g, double[] b) = LinAlg.Normal(x, y, n, f);
        for (int j = 0; j < f; j++) g[j * f + j] += Alpha;
        return LinAlg.CholeskySolve(g, b, f, "Ridge.Fit");
    }
}

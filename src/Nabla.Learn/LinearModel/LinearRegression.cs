namespace Nabla.Learn.LinearModel;

/// <summary>Ordinary least squares: minimises ‖y − X w − b‖². scikit-learn: <c>sklearn.linear_model.LinearRegression</c>.</summary>
/// <remarks>Solved by Householder QR of the (centred) X in double: X = QR, R w = Qᵀy, whose error grows with cond(X)
/// rather than cond(X)². Unlike scikit-learn's minimum-norm <c>lstsq</c>, a rank-deficient X throws.
/// Shapes: X (N, F), y (N) → Coef (F), Intercept scalar.</remarks>
public sealed class LinearRegression : LinearRegressor
{
    /// <summary>Fits w and b to samples <paramref name="x"/> (N, F) and targets <paramref name="y"/> (N).</summary>
    /// <returns>This estimator.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, an input is not finite, or the problem is singular.</exception>
    public override LinearRegression Fit(Tensor x, Tensor? y = null) => (LinearRegression)base.Fit(x, y);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">X is rank deficient or has fewer samples than coefficients.</exception>
    private protected override double[] Solve(double[] x, double[] y, int n, int f) => LinAlg.LeastSquares(x, y, n, f, "LinearRegression.Fit");
}

namespace Nabla.Learn.LinearModel;

/// <summary>The loss <see cref="SgdRegressor"/> minimises, on the residual r = p − y.
/// scikit-learn: the <c>loss</c> argument of <c>SGDRegressor</c>.</summary>
public enum SgdRegressionLoss
{
    /// <summary>r²/2: ordinary least squares. scikit-learn: <c>'squared_error'</c> (the default).</summary>
    SquaredError,

    /// <summary>r²/2 for |r| ≤ ε, ε|r| − ε²/2 beyond: robust to outliers. scikit-learn: <c>'huber'</c>.</summary>
    Huber,

    /// <summary>max(0, |r| − ε): support-vector regression. scikit-learn: <c>'epsilon_insensitive'</c>.</summary>
    EpsilonInsensitive,
}

namespace Nabla.Learn;

/// <summary>Something learned from data by <see cref="Fit"/>. scikit-learn: <c>sklearn.base.BaseEstimator</c>.</summary>
/// <remarks>Hyper-parameters are init-only properties named and defaulted as in scikit-learn; learned state is set
/// only by <see cref="Fit"/>, and reading it earlier throws <see cref="NotFittedException"/>.</remarks>
public interface IEstimator
{
    /// <summary>Learns from samples <paramref name="x"/> (N, F) and, for supervised estimators, targets
    /// <paramref name="y"/> (N). scikit-learn: <c>fit(X, y)</c>.</summary>
    /// <returns>This estimator, fitted.</returns>
    IEstimator Fit(Tensor x, Tensor? y = null);

    /// <summary>An unfitted copy with the same hyper-parameters. scikit-learn: <c>sklearn.base.clone</c>.</summary>
    IEstimator Clone();

    /// <summary>Number of features seen by <see cref="Fit"/>. scikit-learn: <c>n_features_in_</c>.</summary>
    /// <exception cref="NotFittedException">Read before <see cref="Fit"/>.</exception>
    int NFeaturesIn { get; }
}

namespace Nabla.Learn;

/// <summary>A supervised estimator that predicts a target per sample. scikit-learn: <c>predict</c> and
/// <c>score</c> of classifiers and regressors.</summary>
public interface IPredictor : IEstimator
{
    /// <summary>Predicted targets (N) for samples <paramref name="x"/> (N, F). scikit-learn: <c>predict(X)</c>.</summary>
    Tensor Predict(Tensor x);

    /// <summary>The default score on (x, y): accuracy for classifiers, R² for regressors.
    /// scikit-learn: <c>score(X, y)</c>.</summary>
    double Score(Tensor x, Tensor y);
}

namespace Nabla.Learn;

/// <summary>A classifier that estimates class probabilities. scikit-learn: classifiers with <c>predict_proba</c>.</summary>
public interface IProbabilisticClassifier : IClassifier
{
    /// <summary>Class probabilities (N, K), columns in the order of <see cref="IClassifier.Classes"/>, rows summing to 1.
    /// scikit-learn: <c>predict_proba(X)</c>.</summary>
    Tensor PredictProba(Tensor x);
}

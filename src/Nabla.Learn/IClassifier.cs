namespace Nabla.Learn;

/// <summary>A predictor of class labels with class probabilities. scikit-learn: <c>sklearn.base.ClassifierMixin</c>.</summary>
public interface IClassifier : IPredictor
{
    /// <summary>Class probabilities (N, K), columns in the order of <see cref="Classes"/>.
    /// scikit-learn: <c>predict_proba(X)</c>.</summary>
    Tensor PredictProba(Tensor x);

    /// <summary>The sorted distinct labels seen by Fit (K), in the dtype of the fitted y. scikit-learn: <c>classes_</c>.</summary>
    Tensor Classes { get; }
}

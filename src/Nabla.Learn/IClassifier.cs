namespace Nabla.Learn;

/// <summary>A predictor of class labels; <see cref="IPredictor.Score"/> is the accuracy.
/// scikit-learn: <c>sklearn.base.ClassifierMixin</c>.</summary>
/// <remarks>Classifiers that also estimate probabilities implement <see cref="IProbabilisticClassifier"/>; some, such
/// as <see cref="LinearModel.Perceptron"/>, do not (scikit-learn's Perceptron has no <c>predict_proba</c> either).</remarks>
public interface IClassifier : IPredictor
{
    /// <summary>The sorted distinct labels seen by Fit (K), in the dtype of the fitted y. scikit-learn: <c>classes_</c>.</summary>
    Tensor Classes { get; }
}

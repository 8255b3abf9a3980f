namespace Nabla.Learn;

/// <summary>An estimator that maps samples to new features. scikit-learn: <c>sklearn.base.TransformerMixin</c>.</summary>
public interface ITransformer : IEstimator
{
    /// <summary>The transformed samples (N, F′), Float64. scikit-learn: <c>transform(X)</c>.</summary>
    Tensor Transform(Tensor x);

    /// <summary>Fit followed by Transform on the same samples. scikit-learn: <c>fit_transform(X, y)</c>.</summary>
    Tensor FitTransform(Tensor x, Tensor? y = null);
}

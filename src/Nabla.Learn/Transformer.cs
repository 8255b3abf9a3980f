namespace Nabla.Learn;

/// <summary>Base class of Nabla's transformers: <see cref="FitTransform"/> as Fit followed by Transform.
/// scikit-learn: <c>sklearn.base.TransformerMixin</c>.</summary>
public abstract class Transformer : Estimator, ITransformer
{
    /// <inheritdoc/>
    public abstract Tensor Transform(Tensor x);

    /// <inheritdoc/>
    public virtual Tensor FitTransform(Tensor x, Tensor? y = null)
    {
        Fit(x, y);
        return Transform(x);
    }
}

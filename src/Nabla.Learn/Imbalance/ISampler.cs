namespace Nabla.Learn.Imbalance;

/// <summary>Rebalances a labelled data set by adding or removing samples. imbalanced-learn: the samplers'
/// <c>fit_resample(X, y)</c>.</summary>
public interface ISampler
{
    /// <summary>The resampled samples (M, F), Float64, and labels (M) in the dtype of <paramref name="y"/>.</summary>
    (Tensor X, Tensor Y) FitResample(Tensor x, Tensor y);
}

namespace Nabla.Learn.Mixture;

/// <summary>The shape of each component's covariance in <see cref="GaussianMixture"/>.
/// scikit-learn: the <c>covariance_type</c> argument.</summary>
public enum CovarianceType
{
    /// <summary>A general symmetric positive definite matrix per component (F(F+1)/2 parameters). scikit-learn: <c>'full'</c> (the default).</summary>
    Full,

    /// <summary>A diagonal matrix per component (F parameters). scikit-learn: <c>'diag'</c>.</summary>
    Diag,

    /// <summary>σ²I per component (1 parameter). scikit-learn: <c>'spherical'</c>.</summary>
    Spherical,
}

namespace Nabla.Learn.Svm;

/// <summary>The kernel k(x, x') of a support vector machine. scikit-learn: the <c>kernel</c> argument of <c>SVC</c>.</summary>
/// <remarks>The kernel trick: the dual problem and the decision function use the data only through inner products,
/// so replacing x·x' by k(x, x') fits a linear separator in the feature space of k without ever forming it.</remarks>
public enum SvmKernel
{
    /// <summary>k(x, x') = x·x'. scikit-learn: <c>'linear'</c>.</summary>
    Linear,

    /// <summary>k(x, x') = (γ x·x' + coef0)^degree. scikit-learn: <c>'poly'</c>.</summary>
    Poly,

    /// <summary>Gaussian radial basis function k(x, x') = exp(−γ‖x − x'‖²). scikit-learn: <c>'rbf'</c>, the default.</summary>
    Rbf,

    /// <summary>k(x, x') = tanh(γ x·x' + coef0) (not positive semi-definite for every γ, coef0). scikit-learn: <c>'sigmoid'</c>.</summary>
    Sigmoid,
}

namespace Nabla.Learn.Tree;

/// <summary>The impurity a decision tree's splits reduce. scikit-learn: the <c>criterion</c> argument.</summary>
public enum Criterion
{
    /// <summary>Gini impurity 1 − Σ_c p_c² (classification). scikit-learn: <c>'gini'</c>, the classifier default.</summary>
    Gini,

    /// <summary>Entropy −Σ_c p_c log₂ p_c (classification). scikit-learn: <c>'entropy'</c>.</summary>
    Entropy,

    /// <summary>Variance (1/n) Σ (y − ȳ)² (regression). scikit-learn: <c>'squared_error'</c>, the regressor default.</summary>
    SquaredError,
}

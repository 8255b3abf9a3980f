namespace Nabla.Learn.LinearModel;

/// <summary>The step-size schedule of <see cref="SgdClassifier"/>; t counts samples seen, from 1.
/// scikit-learn: the <c>learning_rate</c> argument.</summary>
public enum LearningRate
{
    /// <summary>η_t = 1/(α(t₀ + t − 1)) with t₀ chosen so that η₁ = √(1/√α) (Bottou's heuristic).
    /// scikit-learn: <c>'optimal'</c> (the default).</summary>
    Optimal,

    /// <summary>η_t = eta0. scikit-learn: <c>'constant'</c>.</summary>
    Constant,

    /// <summary>η_t = eta0 / t^power_t. scikit-learn: <c>'invscaling'</c>.</summary>
    InvScaling,
}

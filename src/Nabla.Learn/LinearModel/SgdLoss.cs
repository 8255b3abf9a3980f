namespace Nabla.Learn.LinearModel;

/// <summary>The loss <see cref="SgdClassifier"/> minimises, on the margin z = y·(w·x + b) with y = ±1.
/// scikit-learn: the <c>loss</c> argument of <c>SGDClassifier</c>.</summary>
public enum SgdLoss
{
    /// <summary>max(0, 1 − z): a linear SVM. scikit-learn: <c>'hinge'</c> (the default).</summary>
    Hinge,

    /// <summary>log(1 + e^(−z)): logistic regression, with probabilities. scikit-learn: <c>'log_loss'</c>.</summary>
    LogLoss,

    /// <summary>(1 − z)² for z ≥ −1 clipped at 0 above z = 1, −4z below −1: smooth hinge with probability
    /// estimates. scikit-learn: <c>'modified_huber'</c>.</summary>
    ModifiedHuber,
}

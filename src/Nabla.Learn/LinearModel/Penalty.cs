namespace Nabla.Learn.LinearModel;

/// <summary>The regulariser of <see cref="LogisticRegression"/>. scikit-learn: the <c>penalty</c> argument.</summary>
public enum Penalty
{
    /// <summary>No penalty: plain maximum likelihood. scikit-learn: <c>penalty=None</c>.</summary>
    None,

    /// <summary>‖w‖²/(2C). scikit-learn: <c>penalty='l2'</c> (the default).</summary>
    L2,

    /// <summary>‖w‖₁/C, which sets weights exactly to 0 (sparse models). scikit-learn: <c>penalty='l1'</c>; logistic
    /// regression only, with <c>Solver.Saga</c>.</summary>
    L1,

    /// <summary>(ρ‖w‖₁ + (1 − ρ)‖w‖²/2)/C with ρ = l1_ratio. scikit-learn: <c>penalty='elasticnet'</c>; logistic regression
    /// only, with <c>Solver.Saga</c>.</summary>
    ElasticNet,
}

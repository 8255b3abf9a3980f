namespace Nabla.Learn.LinearModel;

/// <summary>The regulariser of <see cref="LogisticRegression"/>. scikit-learn: the <c>penalty</c> argument.</summary>
public enum Penalty
{
    /// <summary>No penalty: plain maximum likelihood. scikit-learn: <c>penalty=None</c>.</summary>
    None,

    /// <summary>‖w‖²/(2C). scikit-learn: <c>penalty='l2'</c> (the default).</summary>
    L2,
}

namespace Nabla.Learn.LinearModel;

/// <summary>The optimiser of <see cref="LogisticRegression"/>. scikit-learn: the <c>solver</c> argument.</summary>
public enum Solver
{
    /// <summary>Limited-memory BFGS on the smooth objective (no penalty or L2). scikit-learn: <c>'lbfgs'</c> (the default).</summary>
    Lbfgs,

    /// <summary>SAGA, a variance-reduced stochastic gradient method with a proximal step, for L1, L2 and elastic-net.
    /// scikit-learn: <c>'saga'</c>.</summary>
    Saga,
}

namespace Nabla.Learn.Svm;

/// <summary>Layout of a multi-class SVC's decision function. scikit-learn: <c>decision_function_shape</c>.</summary>
public enum DecisionFunctionShape
{
    /// <summary>(N, K): each class's one-vs-one votes plus a confidence in (−⅓, ⅓) from the summed decision values.
    /// scikit-learn: <c>'ovr'</c>, the default.</summary>
    Ovr,

    /// <summary>(N, K(K−1)/2): the raw one-vs-one decision values of pairs (0,1), (0,2), …, (1,2), … .
    /// scikit-learn: <c>'ovo'</c>.</summary>
    Ovo,
}

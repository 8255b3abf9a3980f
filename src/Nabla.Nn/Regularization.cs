namespace Nabla.Nn;

/// <summary>Weight penalties to add to a loss, as differentiable scalars: L1 (lasso, drives weights to exactly 0)
/// and L2 (ridge, shrinks them; for plain SGD the same as weight decay with λ' = 2λ). PyTorch has no functions for
/// these; the idiom is <c>sum(p.abs().sum() for p in model.parameters())</c>.</summary>
/// <example><code>Tensor loss = F.MseLoss(model.Forward(x), y) + 1e-4 * Regularization.L2Penalty(model.Parameters());</code></example>
public static class Regularization
{
    /// <summary>Σ|w| over every element of every tensor: a 0-d tensor whose gradient is sign(w). PyTorch idiom:
    /// <c>sum(p.abs().sum() for p in parameters)</c>.</summary>
    /// <param name="parameters">The tensors, e.g. <c>model.Parameters()</c>; none gives 0.</param>
    public static Tensor L1Penalty(IEnumerable<Tensor> parameters) => Total(parameters, w => w.Abs().Sum());

    /// <summary>Σw² over every element of every tensor: a 0-d tensor whose gradient is 2w. PyTorch idiom:
    /// <c>sum(p.pow(2).sum() for p in parameters)</c>.</summary>
    /// <param name="parameters">The tensors; none gives 0.</param>
    public static Tensor L2Penalty(IEnumerable<Tensor> parameters) => Total(parameters, w => (w * w).Sum());

    private static Tensor Total(IEnumerable<Tensor> parameters, Func<Tensor, Tensor> term)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Tensor? total = null;
        foreach (Tensor p in parameters) total = total is null ? term(p) : total + term(p);
        return total ?? Tensor.Scalar(0.0);
    }
}

namespace Nabla.Nn;

/// <summary>Base class of the loss modules: a function of (input, target) with a <see cref="Reduction"/>.
/// PyTorch: <c>torch.nn.modules.loss._Loss</c>.</summary>
/// <remarks>Call <c>loss.Forward(input, target)</c>; the tuple overload exists so that a loss is a
/// <see cref="Module{TIn, TOut}"/> like every other module.</remarks>
/// <param name="reduction">How the per-element losses are combined (PyTorch's default: mean).</param>
public abstract class Loss(Reduction reduction = Reduction.Mean) : Module<(Tensor Input, Tensor Target), Tensor>
{
    /// <summary>How the per-element losses are combined. PyTorch: <c>loss.reduction</c>.</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The predictions.</param>
    /// <param name="target">The targets.</param>
    public Tensor Forward(Tensor input, Tensor target) => Forward((input, target));
}

namespace Nabla.Nn;

/// <summary>Binary cross-entropy between probabilities and targets in [0, 1]. PyTorch: <c>torch.nn.BCELoss</c>.</summary>
/// <remarks>See <see cref="Functional.BinaryCrossEntropy"/> for the formula, shapes and errors.</remarks>
public sealed class BceLoss : Loss
{
    /// <summary>A binary cross-entropy loss; a weight is registered as the buffer "weight", as in PyTorch.
    /// PyTorch: <c>nn.BCELoss(weight=None, reduction='mean')</c>.</summary>
    /// <param name="weight">Per-element rescaling weight broadcastable to the input, or null.</param>
    /// <param name="reduction">How to combine the elements.</param>
    public BceLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean)
        : base(reduction)
    {
        Weight = weight is null ? null : RegisterBuffer("weight", weight);
    }

    /// <summary>The rescaling weight, or null. PyTorch: <c>weight</c>.</summary>
    public Tensor? Weight { get; }

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The input and the target.</param>
    public override Tensor Forward((Tensor Input, Tensor Target) input) => Functional.BinaryCrossEntropy(input.Input, input.Target, Weight, Reduction);

    /// <inheritdoc/>
    protected override string TypeName => "BCELoss";
}

namespace Nabla.Nn;

/// <summary>Hinge embedding loss for ±1 targets: x where y = 1, max(0, margin − x) where y = −1. PyTorch: <c>torch.nn.HingeEmbeddingLoss</c>.</summary>
/// <remarks>See <see cref="Functional.HingeEmbeddingLoss"/> for the formula, shapes and errors.</remarks>
public sealed class HingeEmbeddingLoss : Loss
{
    /// <summary>A hinge embedding loss. PyTorch: <c>nn.HingeEmbeddingLoss(margin=1.0, reduction='mean')</c>.</summary>
    /// <param name="margin">The margin.</param>
    /// <param name="reduction">How to combine the elements.</param>
    public HingeEmbeddingLoss(double margin = 1.0, Reduction reduction = Reduction.Mean)
        : base(reduction)
    {
        Margin = margin;
    }

    /// <summary>The margin. PyTorch: <c>margin</c>.</summary>
    public double Margin { get; }

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The input and the target.</param>
    public override Tensor Forward((Tensor Input, Tensor Target) input) => Functional.HingeEmbeddingLoss(input.Input, input.Target, Margin, Reduction);

    /// <inheritdoc/>
    protected override string TypeName => "HingeEmbeddingLoss";
}

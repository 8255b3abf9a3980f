namespace Nabla.Nn;

/// <summary>Multi-class hinge loss: the true class must beat every other by a margin. PyTorch: <c>torch.nn.MultiMarginLoss</c>.</summary>
/// <remarks>See <see cref="Functional.MultiMarginLoss"/> for the formula, shapes and errors.</remarks>
public sealed class MultiMarginLoss : Loss
{
    /// <summary>A multi-class margin loss; a class weight is registered as the buffer "weight", as in PyTorch.
    /// PyTorch: <c>nn.MultiMarginLoss(p=1, margin=1.0, weight=None, reduction='mean')</c>.</summary>
    /// <param name="p">1 or 2.</param>
    /// <param name="margin">The margin.</param>
    /// <param name="weight">A (C) weight per class, or null.</param>
    /// <param name="reduction">How to combine the samples.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is not 1 or 2.</exception>
    public MultiMarginLoss(int p = 1, double margin = 1, Tensor? weight = null, Reduction reduction = Reduction.Mean)
        : base(reduction)
    {
        if (p is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(p), p, "MultiMarginLoss: only p == 1 and p == 2 are supported.");
        P = p;
        Margin = margin;
        Weight = weight is null ? null : RegisterBuffer("weight", weight);
    }

    /// <summary>The exponent. PyTorch: <c>p</c>.</summary>
    public int P { get; }

    /// <summary>The margin. PyTorch: <c>margin</c>.</summary>
    public double Margin { get; }

    /// <summary>The class weight, or null. PyTorch: <c>weight</c>.</summary>
    public Tensor? Weight { get; }

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The input and the target.</param>
    public override Tensor Forward((Tensor Input, Tensor Target) input) => Functional.MultiMarginLoss(input.Input, input.Target, P, Margin, Weight, Reduction);

    /// <inheritdoc/>
    protected override string TypeName => "MultiMarginLoss";
}

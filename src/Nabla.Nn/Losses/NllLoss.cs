namespace Nabla.Nn;

/// <summary>Negative log-likelihood of class indices under log-probabilities. PyTorch: <c>torch.nn.NLLLoss</c>.</summary>
/// <remarks>See <see cref="Functional.NllLoss"/> for the formula, shapes and errors.</remarks>
public sealed class NllLoss : Loss
{
    /// <summary>A negative log-likelihood loss; a class weight is registered as the buffer "weight", as in
    /// PyTorch. PyTorch: <c>nn.NLLLoss(weight=None, ignore_index=-100, reduction='mean')</c>.</summary>
    /// <param name="weight">A (C) weight per class, or null.</param>
    /// <param name="ignoreIndex">A target value to skip.</param>
    /// <param name="reduction">How to combine the samples.</param>
    public NllLoss(Tensor? weight = null, long ignoreIndex = Functional.DefaultIgnoreIndex, Reduction reduction = Reduction.Mean)
        : base(reduction)
    {
        Weight = weight is null ? null : RegisterBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>The class weight, or null. PyTorch: <c>weight</c>.</summary>
    public Tensor? Weight { get; }

    /// <summary>The target value that is skipped. PyTorch: <c>ignore_index</c>.</summary>
    public long IgnoreIndex { get; }

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The input and the target.</param>
    public override Tensor Forward((Tensor Input, Tensor Target) input) => Functional.NllLoss(input.Input, input.Target, Weight, IgnoreIndex, Reduction);

    /// <inheritdoc/>
    protected override string TypeName => "NLLLoss";
}

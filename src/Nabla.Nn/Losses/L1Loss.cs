namespace Nabla.Nn;

/// <summary>Mean absolute error, |x − y|. PyTorch: <c>torch.nn.L1Loss</c>.</summary>
/// <remarks>See <see cref="Functional.L1Loss"/> for the formula, shapes and errors.</remarks>
public sealed class L1Loss : Loss
{
    /// <summary>An absolute-error loss. PyTorch: <c>nn.L1Loss(reduction='mean')</c>.</summary>
    /// <param name="reduction">How to combine the elements.</param>
    public L1Loss(Reduction reduction = Reduction.Mean)
        : base(reduction)
    {
    }

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The input and the target.</param>
    public override Tensor Forward((Tensor Input, Tensor Target) input) => Functional.L1Loss(input.Input, input.Target, Reduction);

    /// <inheritdoc/>
    protected override string TypeName => "L1Loss";
}

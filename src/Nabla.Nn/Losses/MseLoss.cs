namespace Nabla.Nn;

/// <summary>Mean squared error, (x − y)². PyTorch: <c>torch.nn.MSELoss</c>.</summary>
/// <remarks>See <see cref="Functional.MseLoss"/> for the formula, shapes and errors.</remarks>
public sealed class MseLoss : Loss
{
    /// <summary>A mean-squared-error loss. PyTorch: <c>nn.MSELoss(reduction='mean')</c>.</summary>
    /// <param name="reduction">How to combine the elements.</param>
    public MseLoss(Reduction reduction = Reduction.Mean)
        : base(reduction)
    {
    }

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The input and the target.</param>
    public override Tensor Forward((Tensor Input, Tensor Target) input) => Functional.MseLoss(input.Input, input.Target, Reduction);

    /// <inheritdoc/>
    protected override string TypeName => "MSELoss";
}

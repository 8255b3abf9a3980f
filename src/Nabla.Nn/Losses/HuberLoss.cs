namespace Nabla.Nn;

/// <summary>Huber loss: quadratic for |x − y| &lt; δ, linear beyond. PyTorch: <c>torch.nn.HuberLoss</c>.</summary>
/// <remarks>See <see cref="Functional.HuberLoss"/> for the formula, shapes and errors.</remarks>
public sealed class HuberLoss : Loss
{
    /// <summary>A Huber loss. PyTorch: <c>nn.HuberLoss(reduction='mean', delta=1.0)</c>.</summary>
    /// <param name="reduction">How to combine the elements.</param>
    /// <param name="delta">δ &gt; 0, where the quadratic part meets the linear one.</param>
    /// <exception cref="ArgumentOutOfRangeException">δ is not positive.</exception>
    public HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0)
        : base(reduction)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "HuberLoss: delta must be positive.");
        Delta = delta;
    }

    /// <summary>δ. PyTorch: <c>delta</c>.</summary>
    public double Delta { get; }

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The input and the target.</param>
    public override Tensor Forward((Tensor Input, Tensor Target) input) => Functional.HuberLoss(input.Input, input.Target, Reduction, Delta);

    /// <inheritdoc/>
    protected override string TypeName => "HuberLoss";
}

namespace Nabla.Nn;

/// <summary>Binary cross-entropy on logits, computed stably (sigmoid and BCE fused by the log-sum-exp trick). PyTorch: <c>torch.nn.BCEWithLogitsLoss</c>.</summary>
/// <remarks>See <see cref="Functional.BinaryCrossEntropyWithLogits"/> for the formula, shapes and errors.</remarks>
public sealed class BceWithLogitsLoss : Loss
{
    /// <summary>A binary cross-entropy loss on logits; the weights are registered as the buffers "weight" and
    /// "pos_weight", as in PyTorch. PyTorch: <c>nn.BCEWithLogitsLoss(weight=None, reduction='mean', pos_weight=None)</c>.</summary>
    /// <param name="weight">Per-element rescaling weight broadcastable to the input, or null.</param>
    /// <param name="reduction">How to combine the elements.</param>
    /// <param name="posWeight">Weight of the positive term per class, or null.</param>
    public BceWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
        : base(reduction)
    {
        Weight = weight is null ? null : RegisterBuffer("weight", weight);
        PosWeight = posWeight is null ? null : RegisterBuffer("pos_weight", posWeight);
    }

    /// <summary>The rescaling weight, or null. PyTorch: <c>weight</c>.</summary>
    public Tensor? Weight { get; }

    /// <summary>The positive-term weight, or null. PyTorch: <c>pos_weight</c>.</summary>
    public Tensor? PosWeight { get; }

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The input and the target.</param>
    public override Tensor Forward((Tensor Input, Tensor Target) input) => Functional.BinaryCrossEntropyWithLogits(input.Input, input.Target, Weight, PosWeight, Reduction);

    /// <inheritdoc/>
    protected override string TypeName => "BCEWithLogitsLoss";
}

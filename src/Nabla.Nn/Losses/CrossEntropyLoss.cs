namespace Nabla.Nn;

/// <summary>Cross-entropy between logits and class indices or class probabilities (log-softmax and negative log-likelihood fused). PyTorch: <c>torch.nn.CrossEntropyLoss</c>.</summary>
/// <remarks>See <see cref="Functional.CrossEntropy"/> for the formula, shapes and errors.</remarks>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>A cross-entropy loss; a class weight is registered as the buffer "weight", as in PyTorch.
    /// PyTorch: <c>nn.CrossEntropyLoss(weight=None, ignore_index=-100, reduction='mean', label_smoothing=0.0)</c>.</summary>
    /// <param name="weight">A (C) weight per class, or null.</param>
    /// <param name="ignoreIndex">A class-index target to skip.</param>
    /// <param name="reduction">How to combine the samples.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">labelSmoothing is outside [0, 1].</exception>
    public CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = Functional.DefaultIgnoreIndex,
                            Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
        : base(reduction)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0.");
        Weight = weight is null ? null : RegisterBuffer("weight", weight);
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>The class weight, or null. PyTorch: <c>weight</c>.</summary>
    public Tensor? Weight { get; }

    /// <summary>The class-index target that is skipped. PyTorch: <c>ignore_index</c>.</summary>
    public long IgnoreIndex { get; }

    /// <summary>ε. PyTorch: <c>label_smoothing</c>.</summary>
    public double LabelSmoothing { get; }

    /// <summary>Computes the loss. PyTorch: <c>loss(input, target)</c>.</summary>
    /// <param name="input">The input and the target.</param>
    public override Tensor Forward((Tensor Input, Tensor Target) input) => Functional.CrossEntropy(input.Input, input.Target, Weight, IgnoreIndex, Reduction, LabelSmoothing);

    /// <inheritdoc/>
    protected override string TypeName => "CrossEntropyLoss";
}

namespace Nabla.Nn;

/// <summary>Merges a range of dims into one; by default all but the batch dim. PyTorch: <c>torch.nn.Flatten</c>.</summary>
/// <remarks>Shapes: (N, d₁, …, dₖ) → (N, d₁·…·dₖ) with the defaults.</remarks>
/// <param name="startDim">First dim to merge (default 1, keeping the batch dim).</param>
/// <param name="endDim">Last dim to merge, inclusive (default −1).</param>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module<Tensor, Tensor>
{
    /// <summary>First dim to merge. PyTorch: <c>start_dim</c>.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>Last dim to merge. PyTorch: <c>end_dim</c>.</summary>
    public int EndDim { get; } = endDim;

    /// <summary>Flattens dims StartDim..EndDim. PyTorch: <c>flatten(input)</c>.</summary>
    /// <param name="input">A tensor with the dims to merge.</param>
    /// <exception cref="ArgumentException">A dim is out of range.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Flatten(StartDim, EndDim);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}

namespace Nabla.Data;

/// <summary>Flattens a range of dims into one. PyTorch: <c>torch.flatten(x, start_dim, end_dim)</c> as a
/// transform.</summary>
/// <remarks>The default start dim is 0 (the whole sample), as for <c>torch.flatten</c>, because transforms see
/// one sample; <c>torch.nn.Flatten</c> starts at 1 because it sees batches. Shapes: (28, 28) → (784).</remarks>
/// <param name="startDim">The first dim to flatten (negative counts from the end).</param>
/// <param name="endDim">The last dim to flatten (negative counts from the end).</param>
public sealed class Flatten(int startDim = 0, int endDim = -1) : ITransform
{
    /// <summary>The first dim flattened. PyTorch: <c>start_dim</c>.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>The last dim flattened. PyTorch: <c>end_dim</c>.</summary>
    public int EndDim { get; } = endDim;

    /// <summary>Flattens dims StartDim..EndDim. PyTorch: <c>torch.flatten(x, start_dim, end_dim)</c>.</summary>
    /// <param name="input">The tensor to flatten.</param>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Flatten(StartDim, EndDim);
    }
}

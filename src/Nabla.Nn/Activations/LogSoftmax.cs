namespace Nabla.Nn;

/// <summary>log softmax along a dim, x_i − log Σ_j e^(x_j), computed stably: what NllLoss expects. PyTorch: <c>torch.nn.LogSoftmax</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
/// <param name="dim">The dim the normalisation runs along (negative counts from the end).</param>
public sealed class LogSoftmax(int dim) : Module<Tensor, Tensor>
{
    /// <summary>The dim. PyTorch: <c>dim</c>.</summary>
    public int Dimension { get; } = dim;

    /// <summary>Applies the function along <see cref="Dimension"/>. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.LogSoftmax(input, Dimension);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={Dimension}";
}

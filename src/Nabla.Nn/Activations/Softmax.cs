namespace Nabla.Nn;

/// <summary>Softmax along a dim, e^(x_i)/Σ_j e^(x_j): every slice along dim becomes a probability distribution. PyTorch: <c>torch.nn.Softmax</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
/// <param name="dim">The dim the normalisation runs along (negative counts from the end).</param>
public sealed class Softmax(int dim) : Module<Tensor, Tensor>
{
    /// <summary>The dim. PyTorch: <c>dim</c>.</summary>
    public int Dimension { get; } = dim;

    /// <summary>Applies the function along <see cref="Dimension"/>. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.Softmax(input, Dimension);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={Dimension}";
}

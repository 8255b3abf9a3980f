using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>Leaky ReLU: x for x &gt; 0, negativeSlope·x otherwise, element-wise. PyTorch: <c>torch.nn.LeakyReLU</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
/// <param name="negativeSlope">The slope for x ≤ 0 (PyTorch's default 0.01).</param>
public sealed class LeakyRelu(double negativeSlope = 0.01) : Module<Tensor, Tensor>
{
    /// <summary>The slope for x ≤ 0. PyTorch: <c>negative_slope</c>.</summary>
    public double NegativeSlope { get; } = negativeSlope;

    /// <summary>Applies the function element-wise. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.LeakyRelu(input, NegativeSlope);

    /// <inheritdoc/>
    protected override string TypeName => "LeakyReLU";

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"negative_slope={Py.Float(NegativeSlope)}";
}

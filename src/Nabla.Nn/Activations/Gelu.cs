namespace Nabla.Nn;

/// <summary>GELU, x·Φ(x) with Φ the standard normal CDF, exact or by the tanh approximation (Hendrycks and Gimpel
/// 2016, arXiv:1606.08415). PyTorch: <c>torch.nn.GELU</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
/// <param name="approximate">Exact (erf, the default) or the tanh approximation.</param>
public sealed class Gelu(GeluApproximation approximate = GeluApproximation.None) : Module<Tensor, Tensor>
{
    /// <summary>How Φ is evaluated. PyTorch: <c>approximate</c>.</summary>
    public GeluApproximation Approximate { get; } = approximate;

    /// <summary>Applies the function element-wise. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.Gelu(input, Approximate);

    /// <inheritdoc/>
    protected override string TypeName => "GELU";

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"approximate='{(Approximate == GeluApproximation.Tanh ? "tanh" : "none")}'";
}

using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>ELU: x for x &gt; 0, α(eˣ − 1) otherwise (Clevert et al. 2015, arXiv:1511.07289). PyTorch:
/// <c>torch.nn.ELU</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
/// <param name="alpha">α, the saturation value for x → −∞ is −α (default 1).</param>
public sealed class Elu(double alpha = 1.0) : Module<Tensor, Tensor>
{
    /// <summary>α. PyTorch: <c>alpha</c>.</summary>
    public double Alpha { get; } = alpha;

    /// <summary>Applies the function element-wise. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.Elu(input, Alpha);

    /// <inheritdoc/>
    protected override string TypeName => "ELU";

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"alpha={Py.Float(Alpha)}";
}

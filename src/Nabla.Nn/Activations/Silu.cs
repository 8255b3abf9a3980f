namespace Nabla.Nn;

/// <summary>SiLU (swish), x·σ(x) element-wise (Elfwing et al. 2017, arXiv:1702.03118). PyTorch: <c>torch.nn.SiLU</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
public sealed class Silu : Module<Tensor, Tensor>
{
    /// <summary>Applies the function element-wise. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.Silu(input);

    /// <inheritdoc/>
    protected override string TypeName => "SiLU";
}

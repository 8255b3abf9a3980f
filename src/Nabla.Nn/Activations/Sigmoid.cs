namespace Nabla.Nn;

/// <summary>The logistic function σ(x) = 1/(1 + e⁻ˣ) element-wise. PyTorch: <c>torch.nn.Sigmoid</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <summary>Applies the function element-wise. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.Sigmoid(input);

}

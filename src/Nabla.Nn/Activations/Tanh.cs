namespace Nabla.Nn;

/// <summary>The hyperbolic tangent element-wise. PyTorch: <c>torch.nn.Tanh</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <summary>Applies the function element-wise. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.Tanh(input);

}

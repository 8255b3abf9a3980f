namespace Nabla.Nn;

/// <summary>The Heaviside step H(x) = 1 for x &gt; 0, else 0, element-wise: the perceptron's activation. Its gradient is 0 everywhere, so it is trained by the perceptron rule, not by backpropagation; PyTorch has no module for it. PyTorch: <c>torch.heaviside(x, torch.tensor(0.))</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
public sealed class Step : Module<Tensor, Tensor>
{
    /// <summary>Applies the function element-wise. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.Step(input);
}

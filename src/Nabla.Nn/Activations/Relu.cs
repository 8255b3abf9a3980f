namespace Nabla.Nn;

/// <summary>The rectified linear unit, max(x, 0) element-wise. PyTorch: <c>torch.nn.ReLU</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
public sealed class Relu : Module<Tensor, Tensor>
{
    /// <summary>Applies the function element-wise. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.Relu(input);

    /// <inheritdoc/>
    protected override string TypeName => "ReLU";
}

namespace Nabla.Nn;

/// <summary>Returns its input unchanged: a placeholder, e.g. to switch a layer off. PyTorch: <c>torch.nn.Identity</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
public sealed class Identity : Module<Tensor, Tensor>
{
    /// <summary>Returns <paramref name="input"/>. PyTorch: <c>identity(input)</c>.</summary>
    /// <param name="input">Any tensor.</param>
    public override Tensor Forward(Tensor input) => input;
}

namespace Nabla.Data;

/// <summary>A transform made of a function. PyTorch: <c>torchvision.transforms.Lambda</c>.</summary>
/// <param name="function">The function; it must not modify its input.</param>
public sealed class Lambda(Func<Tensor, Tensor> function) : ITransform
{
    private readonly Func<Tensor, Tensor> _function = function ?? throw new ArgumentNullException(nameof(function));

    /// <summary>Calls the function. PyTorch: <c>Lambda(f)(x)</c>.</summary>
    /// <param name="input">The tensor to transform.</param>
    public Tensor Apply(Tensor input) => _function(input);
}

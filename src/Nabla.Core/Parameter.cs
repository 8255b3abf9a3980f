namespace Nabla;

/// <summary>A tensor that is a learnable parameter of a model: a leaf that requires a gradient. Modules register
/// parameters under PyTorch's names; optimizers update them in place. PyTorch: <c>torch.nn.Parameter</c>.</summary>
/// <remarks>It shares the storage of the tensor it was made from (no copy). It lives in Nabla.Core, not
/// Nabla.Nn, so that optimizers need not depend on modules.</remarks>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (detached from any graph) as a parameter.</summary>
    /// <param name="data">Initial values; a floating-point tensor.</param>
    /// <param name="requiresGrad">Whether it is trained (false for frozen parameters).</param>
    /// <exception cref="ArgumentException">The tensor is not floating-point.</exception>
    public Parameter(Tensor data, bool requiresGrad = true)
        : base(CheckFloat(data))
    {
        RequiresGrad = requiresGrad;
        // A parameter lives as long as its module, whatever TensorScope it was made in.
        DetachFromScope();
    }

    private static Tensor CheckFloat(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.DType.IsFloatingPoint())
            throw new ArgumentException($"Parameter: needs a floating-point tensor, got {data.DType}.", nameof(data));
        return data;
    }

    /// <summary>PyTorch-like text: <c>Parameter containing: tensor(…)</c>.</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}

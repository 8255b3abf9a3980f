using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>Softplus, (1/β)·ln(1 + e^(βx)), a smooth ReLU; linear where βx &gt; threshold. PyTorch:
/// <c>torch.nn.Softplus</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
/// <param name="beta">β (default 1).</param>
/// <param name="threshold">Above this βx the function is x itself (default 20).</param>
public sealed class Softplus(double beta = 1, double threshold = 20) : Module<Tensor, Tensor>
{
    /// <summary>β. PyTorch: <c>beta</c>.</summary>
    public double Beta { get; } = beta;

    /// <summary>The linear threshold. PyTorch: <c>threshold</c>.</summary>
    public double Threshold { get; } = threshold;

    /// <summary>Applies the function element-wise. PyTorch: <c>module(input)</c>.</summary>
    /// <param name="input">Any floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => Functional.Softplus(input, Beta, Threshold);

    // PyTorch declares beta and threshold as ints, so integral values print without ".0".
    /// <inheritdoc/>
    protected override string ExtraRepr() => $"beta={Py.IntOrFloat(Beta)}, threshold={Py.IntOrFloat(Threshold)}";
}

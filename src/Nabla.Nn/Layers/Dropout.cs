using Nabla.Nn.Internal;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn;

/// <summary>Inverted dropout: in training mode, zeroes each element with probability p and scales the survivors
/// by 1/(1 − p), so the expected output equals the input; in evaluation mode, the identity (Srivastava et al. 2014).
/// PyTorch: <c>torch.nn.Dropout</c>.</summary>
/// <remarks>Shapes: any → the same.</remarks>
public sealed class Dropout : Module<Tensor, Tensor>
{
    private readonly Generator? _generator;

    /// <summary>A dropout layer. PyTorch: <c>nn.Dropout(p=0.5)</c>.</summary>
    /// <param name="p">Probability of zeroing an element, in [0, 1].</param>
    /// <param name="generator">The random source of the masks (<see cref="Generator.Default"/> when null).</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1].</exception>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        F.CheckDropoutProbability(p);
        P = p;
        _generator = generator;
    }

    /// <summary>The probability of zeroing an element. PyTorch: <c>dropout.p</c>.</summary>
    public double P { get; }

    /// <summary>Drops and rescales in training mode; returns the input in evaluation mode. PyTorch: <c>dropout(input)</c>.</summary>
    /// <param name="input">A floating-point tensor.</param>
    public override Tensor Forward(Tensor input) => F.Dropout(input, P, Training, _generator);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={Py.Float(P)}, inplace=False";
}

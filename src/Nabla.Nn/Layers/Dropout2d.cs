using Nabla.Nn.Internal;
using F = Nabla.Nn.Functional;

namespace Nabla.Nn;

/// <summary>Channel dropout: in training mode each whole feature map (one channel of one sample) is zeroed with
/// probability p and the survivors scaled by 1/(1 − p); adjacent pixels are correlated, so dropping single pixels
/// would barely regularise. Identity in evaluation mode. PyTorch: <c>torch.nn.Dropout2d</c>.</summary>
/// <remarks>Shapes: (N, C, H, W) or (C, H, W) → the same.</remarks>
public sealed class Dropout2d : Module<Tensor, Tensor>
{
    private readonly Generator? _generator;

    /// <summary>A channel-dropout layer. PyTorch: <c>nn.Dropout2d(p=0.5)</c>.</summary>
    /// <param name="p">Probability of zeroing a channel, in [0, 1].</param>
    /// <param name="generator">The random source of the masks (<see cref="Generator.Default"/> when null).</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1].</exception>
    public Dropout2d(double p = 0.5, Generator? generator = null)
    {
        F.CheckDropoutProbability(p);
        P = p;
        _generator = generator;
    }

    /// <summary>The probability of zeroing a channel. PyTorch: <c>dropout.p</c>.</summary>
    public double P { get; }

    /// <summary>Drops channels in training mode; the identity in evaluation mode. PyTorch: <c>dropout(input)</c>.</summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    public override Tensor Forward(Tensor input) => F.Dropout2d(input, P, Training, _generator);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={Py.Float(P)}, inplace=False";
}

/// <summary>Splits one dim into several: the inverse of <see cref="Flatten"/>, e.g. (N, 784) → (N, 1, 28, 28) to feed
/// flat pixel rows to a convolution. PyTorch: <c>torch.nn.Unflatten</c>.</summary>
/// <remarks>Shapes: (…, d, …) → (…, s₁, …, sₖ, …) with Πsᵢ = d.</remarks>
/// <param name="dim">The dim to split (negative counts from the end).</param>
/// <param name="unflattenedSize">The sizes it becomes.</param>
public sealed class Unflatten(int dim, int[] unflattenedSize) : Module<Tensor, Tensor>
{
    /// <summary>The dim split. PyTorch: <c>dim</c>.</summary>
    public int Dim { get; } = dim;

    /// <summary>The sizes it becomes. PyTorch: <c>unflattened_size</c>.</summary>
    public IReadOnlyList<int> UnflattenedSize { get; } = unflattenedSize ?? throw new ArgumentNullException(nameof(unflattenedSize));

    /// <summary>Reshapes the input. PyTorch: <c>unflatten(input)</c>.</summary>
    /// <param name="input">A tensor whose dim <see cref="Dim"/> has the product of the sizes.</param>
    /// <exception cref="ArgumentException">The dim is out of range or its size does not match.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int d = Dim < 0 ? Dim + input.Dim : Dim;
        int product = UnflattenedSize.Aggregate(1, (a, b) => a * b);
        if (d < 0 || d >= input.Dim || input.Size(d) != product)
            throw new ArgumentException($"Unflatten(dim={Dim}, unflattened_size={Py.Shape([.. UnflattenedSize])}) does not fit input {Py.Shape(input.Shape)}.", nameof(input));
        int[] s = input.Shape;
        return input.Reshape([.. s[..d], .. UnflattenedSize, .. s[(d + 1)..]]);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={Dim}, unflattened_size={Py.Shape([.. UnflattenedSize])}";
}

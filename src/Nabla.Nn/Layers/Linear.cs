using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>A fully connected layer, y = x·Wᵀ + b. PyTorch: <c>torch.nn.Linear</c>.</summary>
/// <remarks>
/// <para>Shapes: input (*, InFeatures) → output (*, OutFeatures). Weight (OutFeatures, InFeatures), bias
/// (OutFeatures), registered as "weight" and "bias".</para>
/// <para>Initialisation, as PyTorch's <c>reset_parameters</c>: the weight by
/// <c>Init.KaimingUniform(a: √5)</c>, which is U(−1/√in, 1/√in); the bias by U(−1/√in, 1/√in).</para>
/// </remarks>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>A layer with freshly initialised parameters. PyTorch: <c>nn.Linear(in_features, out_features,
    /// bias=True)</c>.</summary>
    /// <param name="inFeatures">Size of each input sample.</param>
    /// <param name="outFeatures">Size of each output sample.</param>
    /// <param name="bias">Whether to learn an additive bias.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <param name="generator">The random source of the initialisation (<see cref="Generator.Default"/> when null).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegative(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Empty([outFeatures, inFeatures], dtype));
        Bias = bias ? RegisterParameter("bias", Tensor.Empty([outFeatures], dtype)) : null;
        ResetParameters(generator);
    }

    /// <summary>Size of each input sample. PyTorch: <c>in_features</c>.</summary>
    public int InFeatures { get; }

    /// <summary>Size of each output sample. PyTorch: <c>out_features</c>.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight W, (OutFeatures, InFeatures). PyTorch: <c>linear.weight</c>.</summary>
    public Parameter Weight { get; }

    /// <summary>The bias b, (OutFeatures), or null. PyTorch: <c>linear.bias</c>.</summary>
    public Parameter? Bias { get; }

    /// <summary>Re-draws the parameters from PyTorch's default distributions. PyTorch:
    /// <c>linear.reset_parameters()</c>.</summary>
    /// <param name="generator">The random source.</param>
    public void ResetParameters(Generator? generator = null)
    {
        if (InFeatures == 0 || OutFeatures == 0) return;   // nothing to draw, and the fans would be 0
        // kaiming_uniform(a=√5): gain = √(2/(1+5)) = 1/√3, bound = √3·gain/√in = 1/√in.
        Init.KaimingUniform(Weight, a: Math.Sqrt(5), generator: generator);
        if (Bias is not null)
        {
            double bound = 1 / Math.Sqrt(InFeatures);
            Init.Uniform(Bias, -bound, bound, generator);
        }
    }

    /// <summary>Computes x·Wᵀ + b. PyTorch: <c>linear(input)</c>.</summary>
    /// <param name="input">(*, InFeatures).</param>
    /// <exception cref="ArgumentException">The last dim of the input is not InFeatures, e.g.
    /// "Linear(in_features=2, out_features=4) expects input (*, 2) but got (3, 5)".</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim == 0 || input.Size(-1) != InFeatures)
            throw new ArgumentException($"Linear(in_features={InFeatures}, out_features={OutFeatures}) expects input (*, {InFeatures}) but got {Py.Shape(input.Shape)}.", nameof(input));
        return Tensor.Linear(input, Weight, Bias);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Py.Bool(Bias is not null)}";
}

using Nabla.Nn.Internal;

namespace Nabla.Nn;

/// <summary>Layer normalisation over the trailing dims: y = (x − μ)/√(σ² + ε)·γ + β, with μ and the biased
/// variance σ² taken over each sample's last <c>normalizedShape.Length</c> dims (Ba et al. 2016). PyTorch:
/// <c>torch.nn.LayerNorm</c>.</summary>
/// <remarks>Shapes: input (*, normalizedShape) → the same. Parameters "weight" γ (ones) and "bias" β (zeros) of
/// normalizedShape when elementwiseAffine. Runs the fused <see cref="Tensor.LayerNorm"/> kernel.</remarks>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    /// <summary>Normalises over the last dim of size <paramref name="normalizedShape"/>. PyTorch:
    /// <c>nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True)</c>.</summary>
    /// <param name="normalizedShape">Size of the last dim.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="elementwiseAffine">Learn γ and β.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or eps is negative.</exception>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([normalizedShape], eps, elementwiseAffine, dtype)
    {
    }

    /// <summary>Normalises over the trailing dims <paramref name="normalizedShape"/>. PyTorch:
    /// <c>nn.LayerNorm(normalized_shape, eps=1e-05, elementwise_affine=True)</c>.</summary>
    /// <param name="normalizedShape">The trailing shape normalised over.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="elementwiseAffine">Learn γ and β.</param>
    /// <param name="dtype">Float32 (default) or Float64.</param>
    /// <exception cref="ArgumentOutOfRangeException">The shape is empty or has a non-positive size, or eps is
    /// negative.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), $"LayerNorm: normalized_shape {Py.Shape(normalizedShape)} must be non-empty with positive sizes.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be non-negative.");
        NormalizedShape = [.. normalizedShape];
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(NormalizedShape, dtype));
            Bias = RegisterParameter("bias", Tensor.Zeros(NormalizedShape, dtype));
        }
    }

    /// <summary>The trailing shape normalised over. PyTorch: <c>normalized_shape</c>.</summary>
    public int[] NormalizedShape { get; }

    /// <summary>Added to the variance. PyTorch: <c>eps</c>.</summary>
    public double Eps { get; }

    /// <summary>γ, ones at start, or null without elementwise affine. PyTorch: <c>layer_norm.weight</c>.</summary>
    public Parameter? Weight { get; }

    /// <summary>β, zeros at start, or null without elementwise affine. PyTorch: <c>layer_norm.bias</c>.</summary>
    public Parameter? Bias { get; }

    /// <summary>Normalises each sample. PyTorch: <c>layer_norm(input)</c>.</summary>
    /// <param name="input">(*, NormalizedShape).</param>
    /// <exception cref="ArgumentException">The trailing dims of the input are not NormalizedShape.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.LayerNorm(NormalizedShape, Weight, Bias, Eps);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{Py.Shape(NormalizedShape).Replace(")", NormalizedShape.Length == 1 ? ",)" : ")", StringComparison.Ordinal)}, eps={Py.Float(Eps)}, elementwise_affine={Py.Bool(Weight is not null)}";
}

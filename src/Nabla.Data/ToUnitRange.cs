namespace Nabla.Data;

/// <summary>Scales byte-valued pixels 0..255 to Float32 0..1 by dividing by 255. PyTorch: the value scaling of
/// <c>torchvision.transforms.ToTensor</c> (<c>v2.ToDtype(torch.float32, scale=True)</c> on uint8 input).</summary>
/// <remarks>Unlike <c>ToTensor</c> this changes no layout: IDX images are already (H, W) or (N, H, W) tensors,
/// not HWC arrays. Integer inputs are converted to Float32 first; floating inputs keep their dtype.
/// Shapes: any → the same.</remarks>
public sealed class ToUnitRange : ITransform
{
    /// <summary>The largest byte value, which maps to 1.</summary>
    public const double MaxByte = 255.0;

    /// <summary>Returns input / 255. PyTorch: <c>ToTensor()(x)</c> for the values.</summary>
    /// <param name="input">Values 0..255 of any dtype except Bool.</param>
    /// <exception cref="ArgumentException">The input is Bool.</exception>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType == DType.Bool) throw new ArgumentException("ToUnitRange: a Bool tensor has no pixel values to scale.", nameof(input));
        Tensor x = input.DType.IsFloatingPoint() ? input : input.To(DType.Float32);
        return x / MaxByte;
    }
}

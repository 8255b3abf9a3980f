namespace Nabla.Data;

/// <summary>A function of one tensor, applied to dataset items (images, feature vectors or labels).
/// PyTorch: a <c>torchvision.transforms</c> transform (a callable).</summary>
/// <remarks>Transforms compose with <see cref="Compose"/>; a plain function becomes one with <see cref="Lambda"/>.
/// Implementations must not modify their input, since dataset items are often views of the dataset's storage.</remarks>
public interface ITransform
{
    /// <summary>Transforms one input. PyTorch: <c>transform(x)</c>.</summary>
    /// <param name="input">The tensor to transform; left unchanged.</param>
    /// <returns>A new tensor (or a view).</returns>
    Tensor Apply(Tensor input);
}

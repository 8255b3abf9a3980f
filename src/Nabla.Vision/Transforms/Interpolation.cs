namespace Nabla.Vision.Transforms;

/// <summary>How a geometric transform reads the input between pixel centres.
/// PyTorch: <c>torchvision.transforms.InterpolationMode</c>.</summary>
public enum Interpolation
{
    /// <summary>The nearest pixel (exact for translations by whole pixels and rotations by multiples of 90°).
    /// PyTorch: <c>InterpolationMode.NEAREST</c>.</summary>
    Nearest,

    /// <summary>The weighted mean of the four surrounding pixels, each weighted by the area of the opposite
    /// sub-rectangle; pixels outside the image count as the fill value. PyTorch: <c>InterpolationMode.BILINEAR</c>.</summary>
    Bilinear,
}

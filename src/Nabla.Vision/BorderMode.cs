namespace Nabla.Vision;

/// <summary>How an image filter or padding sees pixels outside the image. For a row a b c d with two pixels
/// outside on each side: Zero → 0 0 | a b c d | 0 0, Replicate → a a | a b c d | d d, Reflect → c b | a b c d | c b.
/// PyTorch: <c>F.pad</c> modes <c>"constant"</c>, <c>"replicate"</c>, <c>"reflect"</c>.</summary>
/// <remarks>Reflect mirrors about the edge pixel without repeating it: scipy.ndimage's <c>"mirror"</c>, OpenCV's
/// <c>BORDER_REFLECT_101</c> (OpenCV's default border). Reaching further than the image size reflects again
/// (period 2(n − 1)).</remarks>
public enum BorderMode
{
    /// <summary>Pixels outside are 0. PyTorch: <c>"constant"</c> with value 0; scipy: <c>"constant"</c>.</summary>
    Zero,

    /// <summary>Pixels outside repeat the nearest edge pixel. PyTorch: <c>"replicate"</c>; scipy: <c>"nearest"</c>.</summary>
    Replicate,

    /// <summary>Pixels outside mirror the image about the edge pixel. PyTorch: <c>"reflect"</c>; scipy: <c>"mirror"</c>.</summary>
    Reflect,
}

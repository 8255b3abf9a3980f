using Nabla.Data;

namespace Nabla.Vision.Transforms;

/// <summary>A fixed affine warp of an image about its centre: rotate by <see cref="Angle"/>, scale by
/// <see cref="Scale"/>, then translate by (<see cref="TranslateX"/>, <see cref="TranslateY"/>) pixels. The random
/// transforms draw these parameters and apply one. PyTorch: <c>torchvision.transforms.functional.affine</c>.</summary>
/// <remarks>
/// <para>With c = ((W − 1)/2, (H − 1)/2) the centre of the pixel grid, p = (x, y) a pixel (y pointing down) and
/// θ the angle (counter-clockwise as seen on screen, as torchvision's <c>rotate</c>), the output pixel p′ shows
/// input point p = c + R(−θ)(p′ − c − t)/s, where the forward map is p′ = c + t + s·R(θ)(p − c) with
/// R(θ) = [[cos θ, sin θ], [−sin θ, cos θ]] in (x, y-down) coordinates. Rotating about the centre of the pixel
/// grid makes 90° turns of a square image exact permutations.</para>
/// <para>Points outside the input get <see cref="Fill"/>. The input is not modified. Shapes: (…, H, W) → the same;
/// the result is Float32.</para>
/// </remarks>
public sealed class AffineTransform : ITransform
{
    /// <summary>An affine warp. PyTorch: <c>F.affine(img, angle, translate, scale, shear=0)</c>.</summary>
    /// <param name="angle">Rotation in degrees, counter-clockwise on screen.</param>
    /// <param name="translateX">Shift to the right, in pixels.</param>
    /// <param name="translateY">Shift down, in pixels.</param>
    /// <param name="scale">Zoom factor, &gt; 0 (2 doubles the size of the content).</param>
    /// <param name="interpolation">How to read between pixels.</param>
    /// <param name="fill">The value of points outside the input.</param>
    public AffineTransform(double angle = 0, double translateX = 0, double translateY = 0, double scale = 1,
                           Interpolation interpolation = Interpolation.Nearest, double fill = 0)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "AffineTransform: scale must be positive and finite.");
        if (!double.IsFinite(angle) || !double.IsFinite(translateX) || !double.IsFinite(translateY))
            throw new ArgumentException("AffineTransform: angle and translation must be finite.");
        (Angle, TranslateX, TranslateY, Scale, Interpolation, Fill) = (angle, translateX, translateY, scale, interpolation, fill);
    }

    /// <summary>Rotation in degrees, counter-clockwise on screen.</summary>
    public double Angle { get; }

    /// <summary>Shift to the right, in pixels.</summary>
    public double TranslateX { get; }

    /// <summary>Shift down, in pixels.</summary>
    public double TranslateY { get; }

    /// <summary>Zoom factor.</summary>
    public double Scale { get; }

    /// <summary>How to read between pixels.</summary>
    public Interpolation Interpolation { get; }

    /// <summary>The value of points outside the input.</summary>
    public double Fill { get; }

    /// <summary>Warps the image. PyTorch: <c>F.affine(img, ...)</c>.</summary>
    /// <param name="input">Shapes: (…, H, W), floating point.</param>
    /// <returns>Shapes: the input's; Float32.</returns>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim < 2) throw new ArgumentException($"AffineTransform: expected an image (…, H, W), got ({string.Join(", ", input.Shape)}).", nameof(input));
        double cx = (input.Size(-1) - 1) / 2.0, cy = (input.Size(-2) - 1) / 2.0;
        double theta = Angle * Math.PI / 180, cos = Math.Cos(theta), sin = Math.Sin(theta);
        // Inverse map: p = c + R(−θ)(p′ − c − t)/s with R(−θ) = [[cos, −sin], [sin, cos]].
        // x = a·x′ + b·y′ + e, y = d·x′ + f·y′ + g.
        double a = cos / Scale, b = -sin / Scale, d = sin / Scale, f = cos / Scale;
        double ox = -cx - TranslateX, oy = -cy - TranslateY;
        double e = cx + a * ox + b * oy, g = cy + d * ox + f * oy;
        return Warp(input, [a, b, e, d, f, g], Interpolation, Fill);
    }

    /// <summary>Resamples each plane of an image at the input points given by an inverse affine map: output pixel
    /// (x′, y′) reads input point (m[0]·x′ + m[1]·y′ + m[2], m[3]·x′ + m[4]·y′ + m[5]).</summary>
    /// <param name="image">Shapes: (…, H, W), floating point.</param>
    /// <param name="inverse">The 2×3 inverse map, row-major.</param>
    /// <param name="interpolation">How to read between pixels.</param>
    /// <param name="fill">The value of points outside the input.</param>
    /// <returns>Shapes: the image's; Float32.</returns>
    public static Tensor Warp(Tensor image, double[] inverse, Interpolation interpolation = Interpolation.Nearest, double fill = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(inverse);
        if (inverse.Length != 6) throw new ArgumentException($"Warp: expected a 2×3 map (6 numbers), got {inverse.Length}.", nameof(inverse));
        if (image.Dim < 2 || image.NumEl == 0 || !image.DType.IsFloatingPoint())
            throw new ArgumentException($"Warp: expected a non-empty floating-point image (…, H, W), got {image.DType} ({string.Join(", ", image.Shape)}).", nameof(image));
        int h = image.Size(-2), w = image.Size(-1), plane = h * w, planes = image.NumEl / plane;
        float[] src = image.To(DType.Float32).ToArray<float>();
        var dst = new float[src.Length];
        float fillValue = (float)fill;
        // Sub-pixel tolerance: a 90° rotation computes source coordinates such as 2.9999999999999996; snapping
        // values this close to an integer keeps such warps exact.
        const double Snap = 1e-9;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double sx = inverse[0] * x + inverse[1] * y + inverse[2];
                double sy = inverse[3] * x + inverse[4] * y + inverse[5];
                double rx = Math.Round(sx), ry = Math.Round(sy);
                if (Math.Abs(sx - rx) < Snap) sx = rx;
                if (Math.Abs(sy - ry) < Snap) sy = ry;
                int o = y * w + x;
                if (interpolation == Interpolation.Nearest)
                {
                    int ix = (int)Math.Floor(sx + 0.5), iy = (int)Math.Floor(sy + 0.5);
                    bool inside = ix >= 0 && ix < w && iy >= 0 && iy < h;
                    for (int p = 0; p < planes; p++) dst[p * plane + o] = inside ? src[p * plane + iy * w + ix] : fillValue;
                    continue;
                }
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double fx = sx - x0, fy = sy - y0;
                for (int p = 0; p < planes; p++)
                {
                    int basis = p * plane;
                    double v00 = At(src, basis, x0, y0, w, h, fillValue), v10 = At(src, basis, x0 + 1, y0, w, h, fillValue);
                    double v01 = At(src, basis, x0, y0 + 1, w, h, fillValue), v11 = At(src, basis, x0 + 1, y0 + 1, w, h, fillValue);
                    dst[basis + o] = (float)((1 - fy) * ((1 - fx) * v00 + fx * v10) + fy * ((1 - fx) * v01 + fx * v11));
                }
            }
        }
        return Tensor.FromBuffer(dst, image.Shape);
    }

    private static double At(float[] src, int basis, int x, int y, int w, int h, float fill)
        => x >= 0 && x < w && y >= 0 && y < h ? src[basis + y * w + x] : fill;
}
